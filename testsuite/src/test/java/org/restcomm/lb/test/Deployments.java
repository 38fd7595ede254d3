package org.restcomm.lb.test;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.JavaArchive;

/** Arquillian injects the management client only into classes that deploy something; this is that something. */
final class Deployments {

    private Deployments() {
    }

    static JavaArchive empty(String name) {
        return ShrinkWrap.create(JavaArchive.class, name + ".jar").addClass(Deployments.class);
    }
}
