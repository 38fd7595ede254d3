package org.restcomm.lb.sip;

import java.util.Properties;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

import gov.nist.core.net.SecurityManagerProvider;

/**
 * jain-sip's security manager provider, made to provide nothing: its default reads the {@code javax.net.ssl.*}
 * key and trust stores (and warns at every start when there are none). The balancer's TLS and WSS listeners are
 * given their Elytron SSLContexts directly ({@link SipTls}).
 */
public final class NoJvmKeyStores implements SecurityManagerProvider {

    @Override
    public void init(Properties properties) {
    }

    @Override
    public KeyManager[] getKeyManagers(boolean client) {
        return null;
    }

    @Override
    public TrustManager[] getTrustManagers(boolean client) {
        return null;
    }
}
