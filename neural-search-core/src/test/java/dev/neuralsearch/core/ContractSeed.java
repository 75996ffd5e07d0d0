package dev.neuralsearch.core;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/** Appends the seed and how to replay it to every failure of a {@link VectorIndexContract} test. */
final class ContractSeed implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        throw withSeed(context, t);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        throw withSeed(context, t);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        throw withSeed(context, t);
    }

    private static Throwable withSeed(ExtensionContext context, Throwable t) {
        if (t instanceof TestAbortedException
                || !(context.getTestInstance().orElse(null) instanceof VectorIndexContract c)) {
            return t;
        }
        return new AssertionError(t + "\n[" + context.getRequiredTestClass().getSimpleName() + " seed " + c.seed()
                + ": replay with -Dcontract.seed=" + c.seed() + "]", t);
    }
}
