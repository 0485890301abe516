package io.peerlink.config;

import io.peerlink.messaging.PeerConnectionService;
import java.io.IOException;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the peer service before the web server accepts requests and stops it after the web server
 * has drained them: stopping says goodbye on every connection and releases the peer port.
 */
final class PeerServiceLifecycle implements SmartLifecycle {

    /** Below the web server's phase: started earlier, stopped later. */
    static final int PHASE = WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1024;

    private final PeerConnectionService service;
    private final PeerlinkProperties properties;
    private volatile boolean running;

    PeerServiceLifecycle(PeerConnectionService service, PeerlinkProperties properties) {
        this.service = service;
        this.properties = properties;
    }

    @Override
    public void start() {
        try {
            service.start();
        } catch (IOException e) {
            throw new PeerPortUnavailableException(properties.listenHost(), properties.listenPort(), e);
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        service.stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
