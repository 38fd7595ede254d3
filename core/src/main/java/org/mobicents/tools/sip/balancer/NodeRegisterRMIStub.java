package org.mobicents.tools.sip.balancer;

import java.rmi.Remote;
import java.rmi.RemoteException;
import java.util.ArrayList;

/** The original balancer's RMI heartbeat interface, bound as "SIPBalancer"; legacy nodes call it by this name. */
public interface NodeRegisterRMIStub extends Remote {

    /** Keep-alive: registers or refreshes each node in the list. */
    void handlePing(ArrayList<SIPNode> ping) throws RemoteException;

    /** A node that stops cleanly asks to be removed at once. */
    void forceRemoval(ArrayList<SIPNode> ping) throws RemoteException;

    /** Work of one jvmRoute moves to another. */
    void switchover(String fromJvmRoute, String toJvmRoute) throws RemoteException;
}
