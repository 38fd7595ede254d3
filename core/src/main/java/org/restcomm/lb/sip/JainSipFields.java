package org.restcomm.lb.sip;

import java.lang.reflect.Field;

/**
 * jain-sip's package-private and protected fields that the balancer reads or sets from outside jain-sip's packages
 * (another module's class loader cannot share them). The balancer pins the jain-sip version its module ships; a
 * field that is gone fails the engine's start, not a message.
 */
final class JainSipFields {

    private JainSipFields() {
    }

    static Field field(Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("jain-sip without " + owner.getSimpleName() + "." + name, e);
        }
    }

    static Object get(Field field, Object target) {
        try {
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static void set(Field field, Object target, Object value) {
        try {
            field.set(target, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
