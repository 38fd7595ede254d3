package org.mobicents.tools.sip.balancer;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * The node description that legacy nodes send over RMI. Its name, fields and serialVersionUID are the
 * original balancer's wire format and must not change.
 */
public class SIPNode implements Serializable {

    private static final long serialVersionUID = -4959114432342926569L;

    private String hostName;
    private String ip;
    private long timeStamp = System.currentTimeMillis();
    private HashMap<String, Serializable> properties = new HashMap<>();
    private int failCounter;

    public SIPNode() {
    }

    public SIPNode(String hostName, String ip) {
        this.hostName = hostName;
        this.ip = ip;
    }

    public String getHostName() {
        return this.hostName;
    }

    public String getIp() {
        return this.ip;
    }

    public long getTimeStamp() {
        return this.timeStamp;
    }

    public Map<String, Serializable> getProperties() {
        return this.properties;
    }

    @Override
    public String toString() {
        return "SIPNode hostname[" + this.hostName + "] ip[" + this.ip + "] " + this.properties;
    }
}
