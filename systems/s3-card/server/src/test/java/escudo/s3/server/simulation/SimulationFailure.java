package escudo.s3.server.simulation;

/** A broken invariant: the message is the whole report (seed, step, what broke, how to reproduce, the last steps). */
final class SimulationFailure extends AssertionError {

    private static final long serialVersionUID = 1L;

    SimulationFailure(String report, Throwable cause) {
        super(report, cause);
    }
}
