package org.restcomm.lb.bench.smpp;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of the balancer without `jfr print` (which crashes on some frames): execution and
 * native samples of threads whose name starts with a prefix, by thread, by top frame (self) and by any frame
 * (inclusive), and sampled allocation weight by top frame.
 *
 *   java -cp ... org.restcomm.lb.bench.smpp.JfrTop recording.jfr [thread-prefix, default smpp-io] [rows, default 30]
 */
public final class JfrTop {

    private JfrTop() {
    }

    public static void main(String[] args) throws Exception {
        String prefix = (args.length > 1) ? args[1] : "smpp-io";
        int rows = (args.length > 2) ? Integer.parseInt(args[2]) : 30;
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> nativeSelf = new HashMap<>();
        Map<String, Long> allocations = new HashMap<>();
        long samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = event.getEventType().getName();
            boolean execution = type.equals("jdk.ExecutionSample");
            boolean nativeSample = type.equals("jdk.NativeMethodSample");
            boolean allocation = type.equals("jdk.ObjectAllocationSample");
            if (!execution && !nativeSample && !allocation) {
                continue;
            }
            RecordedThread thread = event.getThread(execution || nativeSample ? "sampledThread" : "eventThread");
            String threadName = (thread != null) ? String.valueOf(thread.getJavaName()) : "?";
            RecordedStackTrace stack = event.getStackTrace();
            if (!threadName.startsWith(prefix) || stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            String top = name(frames.get(0));
            if (allocation) {
                allocations.merge(top + " <- " + name(frames.get(Math.min(1, frames.size() - 1))), event.getLong("weight"), Long::sum);
                continue;
            }
            if (nativeSample) {
                nativeSelf.merge(top, 1L, Long::sum);
                continue;
            }
            samples++;
            threads.merge(threadName, 1L, Long::sum);
            self.merge(top, 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String method = name(frame);
                if (seen.add(method)) {
                    inclusive.merge(method, 1L, Long::sum);
                }
            }
        }
        System.out.println("execution samples of " + prefix + "* threads: " + samples);
        print("by thread", threads, samples, rows);
        print("self (top frame)", self, samples, rows);
        print("inclusive", inclusive, samples, rows);
        print("native samples (in native code, on CPU or blocked)", nativeSelf, 0, rows);
        print("allocated bytes (sampled weight) by top frame <- caller", allocations, 0, rows);
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static void print(String title, Map<String, Long> counts, long total, int rows) {
        System.out.println();
        System.out.println("== " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(rows)
                .forEach(entry -> System.out.printf("%12d %6s  %s%n", entry.getValue(),
                        (total > 0) ? String.format("%.1f%%", 100.0 * entry.getValue() / total) : "", entry.getKey()));
    }
}
