package org.restcomm.lb.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an {@code lb.properties} as {@link java.util.Properties#load} does (comments, {@code =}, {@code :} or blanks
 * between key and value, continuation lines, escapes), keeping each key's line number.
 */
final class PropertiesReader {

    /** A jain-sip key whose underscores became blanks, as in the guide's printed sample: {@code gov.nist.javax.sip.TLS CLIENT PROTOCOLS=TLSv1}. */
    private static final Pattern BLANKS_FOR_UNDERSCORES = Pattern.compile("((?:gov\\.nist\\.)?javax\\.sip\\.[A-Z0-9_]+(?:[ \\t]+[A-Z0-9_]+)+)[ \\t]*[=:][ \\t]*(.*)");

    private PropertiesReader() {
    }

    static List<Setting> read(List<String> lines, Report report) {
        List<Setting> settings = new ArrayList<>();
        for (int index = 0; index < lines.size(); index++) {
            int first = index + 1;
            String line = stripLeading(lines.get(index));
            if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == '!') {
                continue;
            }
            StringBuilder logical = new StringBuilder();
            while (endsWithContinuation(line) && index + 1 < lines.size()) {
                logical.append(line, 0, line.length() - 1);
                line = stripLeading(lines.get(++index));
            }
            logical.append(endsWithContinuation(line) ? line.substring(0, line.length() - 1) : line);
            Setting setting = parse(logical.toString(), first);
            Matcher blanks = BLANKS_FOR_UNDERSCORES.matcher(logical);
            if (blanks.matches()) {
                String key = blanks.group(1).replaceAll("[ \\t]+", "_");
                setting = new Setting(key, unescape(blanks.group(2)).strip(), first);
                report.note(setting, "written with blanks for underscores (\"" + blanks.group(1) + "\"); read as " + key);
            }
            settings.add(setting);
        }
        return settings;
    }

    /** Whether the setting's line has no separator: in the guide's printed sample, a comment wrapped onto a line of its own. */
    static boolean hasNoSeparator(Setting setting, List<String> lines) {
        String line = lines.get(setting.line() - 1);
        return line.indexOf('=') < 0 && line.indexOf(':') < 0;
    }

    private static Setting parse(String line, int number) {
        int keyEnd = 0;
        boolean escaped = false;
        for (; keyEnd < line.length(); keyEnd++) {
            char c = line.charAt(keyEnd);
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                break;
            }
        }
        int valueStart = keyEnd;
        while (valueStart < line.length() && isBlank(line.charAt(valueStart))) {
            valueStart++;
        }
        if (valueStart < line.length() && (line.charAt(valueStart) == '=' || line.charAt(valueStart) == ':')) {
            valueStart++;
            while (valueStart < line.length() && isBlank(line.charAt(valueStart))) {
                valueStart++;
            }
        }
        // trailing blanks are part of a value for java.util.Properties, but never meant in a configuration value
        return new Setting(unescape(line.substring(0, keyEnd)), unescape(line.substring(valueStart)).strip(), number);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\f';
    }

    private static String stripLeading(String line) {
        int start = 0;
        while (start < line.length() && isBlank(line.charAt(start))) {
            start++;
        }
        return line.substring(start);
    }

    private static boolean endsWithContinuation(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static String unescape(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 4 < text.length() && text.substring(i + 1, i + 5).matches("[0-9a-fA-F]{4}")) {
                        out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                        i += 4;
                    } else {
                        out.append('u');
                    }
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
