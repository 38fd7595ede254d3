package org.restcomm.lb.migrate;

/** One key of the original's configuration, under its properties-file name, with the line it was read from. */
record Setting(String key, String value, int line) {

    @Override
    public String toString() {
        return this.key + " (line " + this.line + ")";
    }
}
