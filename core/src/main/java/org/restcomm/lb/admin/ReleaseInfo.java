package org.restcomm.lb.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Name and version of this build, as /lbstat reports them. */
public record ReleaseInfo(String name, String version) {

    public static ReleaseInfo load() {
        Properties properties = new Properties();
        try (InputStream in = ReleaseInfo.class.getResourceAsStream("release.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ReleaseInfo(properties.getProperty("releaseName", "Restcomm Load Balancer"), properties.getProperty("releaseVersion", "unknown"));
    }
}
