package io.dropwise.deploy.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.dropwise.api.ServerProperties;
import io.dropwise.api.deploy.Deployment;
import io.dropwise.api.deploy.DeploymentState;
import io.dropwise.api.deploy.Deployments;
import io.dropwise.api.deploy.InvalidDeploymentException;
import io.dropwise.api.lifecycle.Candidates;
import io.dropwise.api.lifecycle.InFlight;

/**
 * The {@link Deployments} service: Erlang's two versions of a module, for bundles.
 *
 * <p>A deployment installs the new version beside the running one (Felix allows two versions of a
 * symbolic name side by side, and a deployable bundle exports nothing, so nothing is refreshed),
 * starts it, verifies it (every component satisfied and every service it registers obtainable
 * within {@link #VERIFY_TIMEOUT}, its health checks not critical) while it is a {@link Candidates
 * candidate} that no consumer gives work to, then promotes it: from that moment the new version
 * takes all new work (consumers pick the most recently installed provider that is not a
 * candidate), waits for the work in flight on the
 * old version to finish ({@link InFlight}, at most {@link #DRAIN_TIMEOUT}), then stops and
 * uninstalls the old version and keeps its jar for a rollback. A failure at any step removes the
 * new version; the old one never stopped serving.
 *
 * <p>The history and the jars live in {@code <data>/deployments}; at start the last active version
 * of each deployed bundle is put back, so a restart comes back on what was made permanent.
 */
@Component(immediate = true)
public final class DeploymentManager implements Deployments, Candidates {

    static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(15);
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);
    static final String LOCATION_PREFIX = "dropwise:deployment:";
    static final String NAMESPACES = "dropwise.deploy.namespaces";

    private static final Logger LOG = LoggerFactory.getLogger(DeploymentManager.class);
    private static final HexFormat HEX = HexFormat.of();

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final Path folder;
    private final Path historyFile;
    private final List<String> namespaces;
    private final Path trustedSigners;
    private final Clock clock = Clock.systemUTC();
    private final java.security.SecureRandom random = new java.security.SecureRandom();
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "dropwise-deployments"));
    private final Map<String, DeploymentRecord> history = new LinkedHashMap<>();
    /** Bundles installed by a deployment that is still verifying them. */
    private final Set<Long> candidates = ConcurrentHashMap.newKeySet();

    @Activate
    public DeploymentManager(BundleContext context, @Reference ServiceComponentRuntime scr) throws IOException {
        this.context = context;
        this.scr = scr;
        String data = context.getProperty(ServerProperties.DATA_DIR);
        this.folder = (data != null ? Path.of(data) : context.getDataFile("").toPath()).resolve("deployments");
        Files.createDirectories(folder);
        this.historyFile = folder.resolve("history.json");
        String etc = context.getProperty("dropwise.etc");
        this.trustedSigners = (etc != null ? Path.of(etc) : folder.getParent().resolve("etc")).resolve("trusted-signers");
        String ns = context.getProperty(NAMESPACES);
        this.namespaces = Arrays.stream((ns == null || ns.isBlank() ? "io.dropwise." : ns).split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        load();
        worker.submit(this::restore);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.shutdown();
        if (!worker.awaitTermination(VERIFY_TIMEOUT.plus(DRAIN_TIMEOUT).toSeconds(), TimeUnit.SECONDS)) {
            worker.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ the API

    @Override
    public boolean isCandidate(long bundleId) {
        return candidates.contains(bundleId);
    }

    @Override
    public synchronized Deployment deploy(byte[] jar, String source) throws InvalidDeploymentException {
        return start(jar, source, false).toApi();
    }

    @Override
    public synchronized List<Deployment> all() {
        List<Deployment> all = new ArrayList<>();
        history.values().forEach(r -> all.add(0, r.toApi()));
        return all;
    }

    @Override
    public synchronized Optional<Deployment> find(String id) {
        return Optional.ofNullable(history.get(id)).map(DeploymentRecord::toApi);
    }

    @Override
    public synchronized Deployment rollback(String id) throws InvalidDeploymentException {
        DeploymentRecord r = history.get(id);
        if (r == null) {
            throw new InvalidDeploymentException("there is no deployment " + id);
        }
        if (r.state() != DeploymentState.ACTIVE) {
            throw new InvalidDeploymentException("deployment " + id + " is " + r.state().wireName() + "; only the active deployment of "
                    + r.symbolicName + " can be rolled back");
        }
        if (r.previousJar == null) {
            throw new InvalidDeploymentException("deployment " + id + " replaced no earlier version of " + r.symbolicName);
        }
        try {
            return start(Files.readAllBytes(folder.resolve(r.previousJar)), "rollback of " + id, true).toApi();
        } catch (IOException e) {
            throw new InvalidDeploymentException("the jar of " + r.symbolicName + " " + r.previousVersion + " is gone: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ the steps

    private DeploymentRecord start(byte[] jar, String source, boolean rollback) throws InvalidDeploymentException {
        BundleJar bundle = BundleJar.read(jar);
        bundle.checkAllowed(namespaces);
        try {
            // read at every deployment: operators add or remove certificates without a restart
            TrustedSigners.load(trustedSigners).check(jar);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new InvalidDeploymentException("cannot read the trusted certificates in " + trustedSigners + ": " + e.getMessage());
        }
        for (DeploymentRecord r : history.values()) {
            if (r.symbolicName.equals(bundle.symbolicName()) && inProgress(r.state())) {
                throw new InvalidDeploymentException("deployment " + r.id + " of " + r.symbolicName + " is still " + r.state().wireName());
            }
        }
        Optional<Bundle> running = serving(bundle.symbolicName());
        if (!rollback && running.isPresent() && bundle.version().compareTo(running.get().getVersion()) <= 0) {
            throw new InvalidDeploymentException(bundle.symbolicName() + " " + bundle.version() + " is not newer than the active "
                    + running.get().getVersion() + " (roll back through POST /admin/v1/deployments/{id}/rollback)");
        }
        DeploymentRecord r = new DeploymentRecord();
        r.id = "dep-" + clock.millis() + "-" + HEX.formatHex(randomBytes());
        r.symbolicName = bundle.symbolicName();
        r.version = bundle.version().toString();
        r.previousVersion = running.map(b -> b.getVersion().toString()).orElse(null);
        r.source = source;
        r.jar = r.id + ".jar";
        try {
            Files.write(folder.resolve(r.jar), jar);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the jar in " + folder, e);
        }
        r.step(DeploymentState.VERIFYING, "received " + r.symbolicName + " " + r.version + " from " + source
                + (r.previousVersion == null ? "" : "; " + r.previousVersion + " is serving"), clock.instant());
        history.put(r.id, r);
        save();
        LOG.info("Deployment {}: {} {} from {}", r.id, r.symbolicName, r.version, source);
        worker.submit(() -> run(r));
        return r;
    }

    private static boolean inProgress(DeploymentState s) {
        return s == DeploymentState.VERIFYING || s == DeploymentState.SWITCHING || s == DeploymentState.DRAINING;
    }

    private byte[] randomBytes() {
        byte[] b = new byte[3];
        random.nextBytes(b);
        return b;
    }

    /** The deployment itself, on the worker thread. */
    private void run(DeploymentRecord r) {
        List<Bundle> old = versionsOf(r.symbolicName);
        Bundle installed = null;
        try {
            try (InputStream in = Files.newInputStream(folder.resolve(r.jar))) {
                installed = context.installBundle(LOCATION_PREFIX + r.id, in);
            }
            candidates.add(installed.getBundleId()); // before it starts: no consumer gives it work until it is verified
            installed.start();
            verify(installed);
            step(r, DeploymentState.SWITCHING, "version " + r.version + " is verified; it takes all new work now");
            candidates.remove(installed.getBundleId()); // the switch: consumers choose it from their next call on
            step(r, DeploymentState.DRAINING, "waiting for the work in flight on " + describe(old) + " to finish");
            int left = drain(old);
            String previousJar = null;
            for (Bundle b : old) {
                previousJar = keepJar(b, r);
                b.stop();
                b.uninstall();
            }
            synchronized (this) {
                for (DeploymentRecord earlier : history.values()) {
                    if (earlier != r && earlier.symbolicName.equals(r.symbolicName) && earlier.state() == DeploymentState.ACTIVE) {
                        earlier.step(DeploymentState.SUPERSEDED, "replaced by " + r.id + " (" + r.version + ")", clock.instant());
                    }
                }
                r.previousJar = previousJar;
            }
            step(r, DeploymentState.ACTIVE, (old.isEmpty() ? "installed" : "active; " + describe(old) + " stopped and kept for rollback")
                    + (left > 0 ? " (" + left + " unit(s) of work were still running after " + DRAIN_TIMEOUT.toSeconds() + " s)" : ""));
            LOG.info("Deployment {}: {} {} is active", r.id, r.symbolicName, r.version);
        } catch (Exception e) {
            String reason = reason(e);
            if (installed != null) {
                try {
                    installed.uninstall();
                } catch (BundleException | IllegalStateException ignored) {
                    // already gone
                }
                candidates.remove(installed.getBundleId());
            }
            synchronized (this) {
                r.reason = reason;
            }
            step(r, DeploymentState.ROLLED_BACK, "rolled back: " + reason
                    + (old.isEmpty() ? "" : "; " + describe(old) + " kept serving throughout"));
            LOG.warn("Deployment {} of {} {} rolled back: {}", r.id, r.symbolicName, r.version, reason);
        }
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return root == e ? message : message + " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    private synchronized void step(DeploymentRecord r, DeploymentState state, String message) {
        r.step(state, message, clock.instant());
        save();
    }

    /** Waits until every component of the new bundle is up and every service it offers can be obtained. */
    private void verify(Bundle bundle) throws Exception {
        Instant deadline = clock.instant().plus(VERIFY_TIMEOUT);
        while (true) {
            String problem = componentProblem(bundle);
            if (problem == null) {
                break;
            }
            if (problem.startsWith("!") || clock.instant().isAfter(deadline)) {
                throw new IllegalStateException(problem.startsWith("!") ? problem.substring(1)
                        : "not ready within " + VERIFY_TIMEOUT.toSeconds() + " s: " + problem);
            }
            Thread.sleep(50);
        }
        ServiceReference<?>[] refs = bundle.getRegisteredServices();
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            Object service = context.getService(ref);
            try {
                if (service == null) {
                    throw new IllegalStateException("its service " + Arrays.toString((String[]) ref.getProperty("objectClass"))
                            + " could not be created (see the log for the component's failure)");
                }
                if (service instanceof HealthCheck check) {
                    Result result = check.execute();
                    if (!result.isOk() && result.getStatus().ordinal() >= Result.Status.CRITICAL.ordinal()) {
                        throw new IllegalStateException("its health check " + ref.getProperty(HealthCheck.NAME) + " is "
                                + result.getStatus() + ": " + result);
                    }
                }
            } finally {
                context.ungetService(ref);
            }
        }
        String after = componentProblem(bundle);
        if (after != null) {
            throw new IllegalStateException(after.startsWith("!") ? after.substring(1) : after);
        }
    }

    /** @return {@code null} when every component is up; a reason otherwise, starting with {@code !} when final */
    private String componentProblem(Bundle bundle) {
        if (bundle.getState() != Bundle.ACTIVE) {
            return "the bundle is not active";
        }
        Collection<ComponentDescriptionDTO> descriptions = scr.getComponentDescriptionDTOs(bundle);
        for (ComponentDescriptionDTO d : descriptions) {
            if (!scr.isComponentEnabled(d)) {
                continue;
            }
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    return "!component " + d.name + " failed to activate: " + c.failure;
                }
                if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE) {
                    return "component " + d.name + " is missing services " + Arrays.stream(c.unsatisfiedReferences)
                            .map(u -> u.name + " (" + u.target + ")").toList();
                }
            }
        }
        return null;
    }

    /** Waits for the work in flight in the old versions' {@link InFlight} services. */
    private int drain(List<Bundle> old) throws InterruptedException {
        Instant deadline = clock.instant().plus(DRAIN_TIMEOUT);
        int running = inFlight(old);
        while (running > 0 && clock.instant().isBefore(deadline)) {
            Thread.sleep(20);
            running = inFlight(old);
        }
        return running;
    }

    private int inFlight(List<Bundle> bundles) {
        int total = 0;
        try {
            for (ServiceReference<InFlight> ref : context.getServiceReferences(InFlight.class, null)) {
                if (bundles.contains(ref.getBundle())) {
                    InFlight f = context.getService(ref);
                    if (f != null) {
                        try {
                            total += f.inFlight();
                        } finally {
                            context.ungetService(ref);
                        }
                    }
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return total;
    }

    /** Keeps a copy of the jar of a version about to be stopped, for a rollback. */
    private String keepJar(Bundle bundle, DeploymentRecord by) {
        String location = bundle.getLocation();
        if (location.startsWith(LOCATION_PREFIX)) {
            return location.substring(LOCATION_PREFIX.length()) + ".jar";
        }
        String name = "replaced-" + bundle.getSymbolicName() + "-" + bundle.getVersion() + ".jar";
        try (InputStream in = open(location)) {
            if (in == null) {
                LOG.warn("Deployment {}: cannot keep the jar of {} {} (location {}); it cannot be rolled back to",
                        by.id, bundle.getSymbolicName(), bundle.getVersion(), location);
                return null;
            }
            Files.copy(in, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            return name;
        } catch (IOException e) {
            LOG.warn("Deployment {}: cannot keep the jar of {}: {}", by.id, bundle.getSymbolicName(), e.getMessage());
            return null;
        }
    }

    /** Bundles installed by the launcher have the path of their jar inside dropwise.jar as location. */
    private static InputStream open(String location) throws IOException {
        String path = location.startsWith("reference:") ? location.substring("reference:".length()) : location;
        if (path.contains(":")) {
            return new URL(path).openStream();
        }
        return ClassLoader.getSystemClassLoader().getResourceAsStream(path);
    }

    private List<Bundle> versionsOf(String symbolicName) {
        List<Bundle> list = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                list.add(b);
            }
        }
        return list;
    }

    private Optional<Bundle> serving(String symbolicName) {
        return versionsOf(symbolicName).stream()
                .filter(b -> b.getState() == Bundle.ACTIVE || b.getState() == Bundle.STARTING)
                .max(Comparator.comparingLong(Bundle::getBundleId));
    }

    private static String describe(List<Bundle> bundles) {
        return bundles.isEmpty() ? "no earlier version"
                : String.join(", ", bundles.stream().map(b -> b.getSymbolicName() + " " + b.getVersion()).toList());
    }

    // ------------------------------------------------------------------ history and restart

    private void load() throws IOException {
        if (!Files.isRegularFile(historyFile)) {
            return;
        }
        List<DeploymentRecord> records = json.readValue(historyFile.toFile(), new TypeReference<List<DeploymentRecord>>() { });
        for (DeploymentRecord r : records) {
            if (inProgress(r.state())) {
                r.reason = "the server stopped during the deployment";
                r.step(DeploymentState.ROLLED_BACK, "rolled back: the server stopped before the deployment finished", clock.instant());
            }
            history.put(r.id, r);
        }
    }

    private void save() {
        try {
            Path tmp = Files.createTempFile(folder, "history", ".tmp");
            json.writeValue(tmp.toFile(), new ArrayList<>(history.values()));
            Files.move(tmp, historyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.error("Cannot write the deployment history {}: {}", historyFile, e.getMessage());
        }
    }

    /** At start, puts back the last active version of every deployed bundle (the launcher started the built-in ones). */
    private void restore() {
        List<DeploymentRecord> active;
        synchronized (this) {
            active = history.values().stream().filter(r -> r.state() == DeploymentState.ACTIVE).toList();
            save();
        }
        for (DeploymentRecord r : active) {
            Version version = Version.parseVersion(r.version);
            List<Bundle> builtIn = versionsOf(r.symbolicName);
            if (builtIn.stream().anyMatch(b -> b.getVersion().equals(version))) {
                // that very version came with the server (a rollback to the built-in version): nothing to put back
                continue;
            }
            try (InputStream in = Files.newInputStream(folder.resolve(r.jar))) {
                Bundle b = context.installBundle(LOCATION_PREFIX + r.id, in);
                b.start();
                verify(b);
                drain(builtIn);
                for (Bundle old : builtIn) {
                    old.stop();
                    old.uninstall();
                }
                LOG.info("Restored {} {} (deployment {})", r.symbolicName, r.version, r.id);
            } catch (Exception e) {
                LOG.error("Cannot restore {} {} (deployment {}): {}; the built-in version keeps serving", r.symbolicName, r.version, r.id,
                        reason(e));
            }
        }
    }
}
