package io.dropwise.deploy.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.ServerProperties;
import io.dropwise.api.deploy.Deployment;
import io.dropwise.api.deploy.Deployments;
import io.dropwise.api.deploy.InvalidDeploymentException;

/**
 * Routes bundle jars dropped into {@code <data>/deploy} through the deployment path, instead of
 * FileInstall's own install-and-update (which stops the running version first). FileInstall asks
 * its installers before it handles a jar itself, so every jar in that folder comes here.
 */
@Component
public final class DeployFolderInstaller implements ArtifactInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(DeployFolderInstaller.class);

    private final Deployments deployments;
    private final Path folder;

    @Activate
    public DeployFolderInstaller(BundleContext context, @Reference Deployments deployments) {
        this.deployments = deployments;
        String data = context.getProperty(ServerProperties.DATA_DIR);
        this.folder = (data != null ? Path.of(data) : context.getDataFile("").toPath()).resolve("deploy").toAbsolutePath().normalize();
    }

    @Override
    public boolean canHandle(File artifact) {
        Path p = artifact.toPath().toAbsolutePath().normalize();
        return artifact.getName().endsWith(".jar") && folder.equals(p.getParent());
    }

    @Override
    public void install(File artifact) {
        deploy(artifact);
    }

    @Override
    public void update(File artifact) {
        deploy(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        LOG.info("{} was removed from deploy/; the version it deployed keeps serving (roll back through the admin API)", artifact.getName());
    }

    private void deploy(File artifact) {
        try {
            Deployment d = deployments.deploy(Files.readAllBytes(artifact.toPath()), "deploy/" + artifact.getName());
            LOG.info("deploy/{}: deployment {} of {} {} started", artifact.getName(), d.id(), d.symbolicName(), d.version());
        } catch (InvalidDeploymentException e) {
            LOG.error("deploy/{} is refused: {}", artifact.getName(), e.getMessage());
        } catch (IOException e) {
            LOG.error("deploy/{} cannot be read: {}", artifact.getName(), e.getMessage());
        }
    }
}
