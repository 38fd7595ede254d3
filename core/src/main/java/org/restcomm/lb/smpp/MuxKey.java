package org.restcomm.lb.smpp;

import com.cloudhopper.smpp.pdu.BaseBind;

/** ESME binds that may share one upstream bind in mux mode: the same bind type and credentials. */
record MuxKey(int bindCommandId, String systemId, String password, String systemType, String addressRange) {

    static MuxKey of(BaseBind<?> bind) {
        return new MuxKey(bind.getCommandId(), bind.getSystemId(), bind.getPassword(), bind.getSystemType(), String.valueOf(bind.getAddressRange()));
    }
}
