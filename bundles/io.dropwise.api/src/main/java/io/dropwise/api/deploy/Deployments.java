package io.dropwise.api.deploy;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The one path by which bundles are upgraded live: the admin API, files dropped into
 * {@code deploy/} and the console all come here.
 */
@ProviderType
public interface Deployments {

    /**
     * Checks the jar and starts the deployment; the rest happens in the background.
     *
     * @param jar the bundle
     * @param source where it came from, for the history
     * @return the deployment, in state {@link DeploymentState#VERIFYING}
     * @throws InvalidDeploymentException when the jar is refused before anything is installed
     */
    Deployment deploy(byte[] jar, String source) throws InvalidDeploymentException;

    /** @return every deployment, newest first (the history survives restarts) */
    List<Deployment> all();

    Optional<Deployment> find(String id);

    /**
     * Goes back to the version that was active before this deployment, by the same path.
     *
     * @return the new deployment that puts the previous version back
     * @throws InvalidDeploymentException when there is nothing to go back to
     */
    Deployment rollback(String id) throws InvalidDeploymentException;
}
