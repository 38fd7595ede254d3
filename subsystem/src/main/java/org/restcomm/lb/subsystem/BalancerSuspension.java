package org.restcomm.lb.subsystem;

import java.util.concurrent.CompletionStage;

import org.jboss.as.server.suspend.ServerResumeContext;
import org.jboss.as.server.suspend.ServerSuspendContext;
import org.jboss.as.server.suspend.SuspendableActivity;
import org.restcomm.lb.intake.Intake;

/**
 * The balancer's part in the server's {@code :suspend}: new calls, HTTP requests and SMPP binds are refused, and the
 * suspend completes once the HTTP exchanges and SMPP sessions under way have ended (or the suspend timeout passed).
 */
final class BalancerSuspension implements SuspendableActivity {

    private final Intake intake;

    BalancerSuspension(Intake intake) {
        this.intake = intake;
    }

    @Override
    public CompletionStage<Void> suspend(ServerSuspendContext context) {
        return this.intake.stopAccepting();
    }

    @Override
    public CompletionStage<Void> resume(ServerResumeContext context) {
        this.intake.resumeAccepting();
        return SuspendableActivity.COMPLETED;
    }
}
