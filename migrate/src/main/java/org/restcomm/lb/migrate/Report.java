package org.restcomm.lb.migrate;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What became of each key that was not simply mapped: dropped ones decide the exit status, notes do not. */
final class Report {

    static final String NOT_YET = "not yet supported by this release";

    private final List<Entry> dropped = new ArrayList<>();
    private final List<Entry> notes = new ArrayList<>();

    private record Entry(int line, String text) {
    }

    void dropped(Setting setting, String reason) {
        this.dropped.add(new Entry(setting.line(), "line " + setting.line() + ": " + setting.key() + " not supported: " + reason));
    }

    void malformed(Setting setting, String expected) {
        this.dropped.add(new Entry(setting.line(), "line " + setting.line() + ": " + setting.key() + "=" + setting.value() + " is malformed: " + expected));
    }

    void unknown(Setting setting, String hint) {
        this.dropped.add(new Entry(setting.line(), "line " + setting.line() + ": unknown key " + setting.key() + (hint.isEmpty() ? "" : " (" + hint + ")")));
    }

    void note(Setting setting, String message) {
        this.notes.add(new Entry(setting.line(), "line " + setting.line() + ": " + setting.key() + ": " + message));
    }

    boolean anythingDropped() {
        return !this.dropped.isEmpty();
    }

    List<String> dropped() {
        return sorted(this.dropped);
    }

    List<String> notes() {
        return sorted(this.notes);
    }

    /** Notes, then what was dropped, each in line order; the last line counts what was dropped. */
    void print(PrintStream out) {
        notes().forEach(note -> out.println("note: " + note));
        dropped().forEach(dropped -> out.println("dropped: " + dropped));
        out.println(this.dropped.isEmpty() ? "every key was converted" : this.dropped.size() + " key(s) not converted");
    }

    private static List<String> sorted(List<Entry> entries) {
        return entries.stream().sorted(Comparator.comparingInt(Entry::line)).map(Entry::text).toList();
    }
}
