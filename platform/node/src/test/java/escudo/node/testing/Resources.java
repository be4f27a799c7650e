package escudo.node.testing;

/** Test clean-up for the parties, proxies and clients a scenario opened. */
public final class Resources {

    private Resources() {}

    /**
     * Closes {@code resources} in the order given (clients before the proxies before the nodes they
     * reach), skipping the ones a test never opened; the first failure is thrown once all are closed.
     */
    public static void closeAll(AutoCloseable... resources) {
        RuntimeException first = null;
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
