package org.restcomm.lb.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the original's 10.x {@code lb-configuration.xml} into settings named as its properties file names them
 * ({@code <sip><external><udpPort>} is {@code externalUdpPort}); an empty element is the original's default, so it
 * yields nothing.
 */
final class XmlReader {

    /** The {@code <ssl>} elements, under the keys the properties file uses for them. */
    private static final Map<String, String> SSL_KEYS = Map.of(
            "keyStore", "javax.net.ssl.keyStore",
            "keyStorePassword", "javax.net.ssl.keyStorePassword",
            "trustStore", "javax.net.ssl.trustStore",
            "trustStorePassword", "javax.net.ssl.trustStorePassword",
            "tlsClientProtocols", "gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS",
            "enabledCipherSuites", "gov.nist.javax.sip.ENABLED_CIPHER_SUITES");

    /** Elements read as a whole: their content becomes one setting named after them. */
    private static final List<String> WHOLE = List.of("urlrewrite", "routingRulesIpv4", "routingRulesIpv6", "heartbeat");

    private XmlReader() {
    }

    static List<Setting> read(InputStream in) throws IOException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        List<Setting> settings = new ArrayList<>();
        try {
            XMLStreamReader reader = factory.createXMLStreamReader(in);
            Deque<String> path = new ArrayDeque<>();
            StringBuilder text = new StringBuilder();
            int line = 0;
            String propertyKey = null;
            int propertyLine = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    String name = reader.getLocalName();
                    path.addLast(name);
                    text.setLength(0);
                    line = reader.getLocation().getLineNumber();
                    if (path.size() > 1 && WHOLE.contains(name)) {
                        settings.add(new Setting(name, whole(reader), line));
                        path.removeLast();
                    }
                } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                    text.append(reader.getText());
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    List<String> elements = List.copyOf(path);
                    path.removeLast();
                    String value = text.toString().strip();
                    text.setLength(0);
                    if (elements.size() > 1 && elements.get(1).equals("sipStack")) {
                        if (elements.size() == 4 && elements.get(3).equals("key")) {
                            propertyKey = value;
                            propertyLine = line;
                        } else if (elements.size() == 4 && elements.get(3).equals("value") && propertyKey != null) {
                            settings.add(new Setting(propertyKey, value, propertyLine));
                            propertyKey = null;
                        }
                    } else if (!value.isEmpty() && elements.size() >= 3) {
                        settings.add(new Setting(key(elements), value, line));
                    }
                }
            }
        } catch (XMLStreamException e) {
            int at = e.getLocation() == null ? 0 : e.getLocation().getLineNumber();
            throw new IOException("line " + at + ": not well-formed XML: " + e.getMessage(), e);
        }
        return settings;
    }

    /** {@code load-balancer-properties/sip/external/udpPort} is {@code externalUdpPort}; {@code ssl/keyStore} is {@code javax.net.ssl.keyStore}. */
    private static String key(List<String> elements) {
        String section = elements.get(1);
        String name = elements.get(elements.size() - 1);
        if (section.equals("ssl") && SSL_KEYS.containsKey(name)) {
            return SSL_KEYS.get(name);
        }
        if (elements.size() == 4 && section.equals("sip") && (elements.get(2).equals("external") || elements.get(2).equals("internal"))) {
            return elements.get(2) + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        }
        return name;
    }

    /** The text of an element's descendants, one line per leaf, for elements converted as a whole. */
    private static String whole(XMLStreamReader reader) throws XMLStreamException {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            content.append(reader.getAttributeLocalName(i)).append('=').append(reader.getAttributeValue(i)).append('\n');
        }
        int depth = 1;
        while (depth > 0) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
                content.append(reader.getLocalName()).append('=');
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
                content.append('\n');
            } else if (event == XMLStreamConstants.CHARACTERS) {
                content.append(reader.getText().strip());
            }
        }
        return content.toString().replaceAll("\n+", "\n").strip();
    }
}
