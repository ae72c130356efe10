package io.dropwise.launcher.fw;

import java.util.Hashtable;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM and SIGINT into an orderly stop that exits with code 0.
 *
 * <p>bnd's launcher runs as its main thread the {@link Callable} registered with
 * {@code main.thread=true}, then stops the framework (each bundle stops in reverse start order,
 * so the HTTP front drains its requests before Jetty closes) and exits with the value returned.
 * Without this, the JVM's default SIGTERM handling would exit with 143 and stop the framework from
 * a shutdown hook, if at all.
 *
 * <p>A watchdog halts the process if the framework has not stopped within {@link #STOP_BUDGET_SECONDS}.
 */
public final class ShutdownActivator implements BundleActivator {

    /** bnd launcher: start this activator right after the framework is initialised, before any bundle. */
    public static final String IMMEDIATE = "AFTER_FRAMEWORK_INIT";

    /** How long a stop may take, from the signal to the exit. */
    public static final long STOP_BUDGET_SECONDS = 14;

    private final CountDownLatch signalled = new CountDownLatch(1);
    private final StopRequest stopRequest = new StopRequest();
    private SignalHandler previousTerm;
    private SignalHandler previousInt;
    private ServiceRegistration<?> mainThread;

    @Override
    public void start(BundleContext systemContext) {
        SignalHandler handler = this::onSignal;
        previousTerm = Signal.handle(new Signal("TERM"), handler);
        previousInt = Signal.handle(new Signal("INT"), handler);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("main.thread", Boolean.TRUE);
        mainThread = systemContext.registerService(Callable.class.getName(), stopRequest, props);
    }

    @Override
    public void stop(BundleContext systemContext) {
        if (mainThread != null) {
            try {
                mainThread.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters it when it stops
            }
        }
        if (previousTerm != null) {
            Signal.handle(new Signal("TERM"), previousTerm);
        }
        if (previousInt != null) {
            Signal.handle(new Signal("INT"), previousInt);
        }
    }

    private void onSignal(Signal signal) {
        if (signalled.getCount() == 0) {
            return;
        }
        System.out.println("Dropwise stopping (SIG" + signal.getName() + "): finishing requests in flight, then stopping all bundles");
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(STOP_BUDGET_SECONDS));
                System.err.println("Dropwise did not stop within " + STOP_BUDGET_SECONDS + " s; halting");
                Runtime.getRuntime().halt(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dropwise-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        signalled.countDown();
    }

    /** The launcher's main thread: waits for a signal, then returns the exit code. */
    private final class StopRequest implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            signalled.await();
            return 0;
        }

        @Override
        public String toString() {
            return "Dropwise stop on SIGTERM/SIGINT";
        }
    }
}
