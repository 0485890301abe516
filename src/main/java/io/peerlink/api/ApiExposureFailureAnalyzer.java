package io.peerlink.api;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an API that would be reachable beyond loopback without a token into a report that says what to set. */
class ApiExposureFailureAnalyzer extends AbstractFailureAnalyzer<ApiExposedException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ApiExposedException cause) {
        return new FailureAnalysis(
                "The HTTP API would listen on " + cause.binding().describe() + ", beyond loopback, without an API "
                        + "token: anyone who can reach it could read and send this peer's messages.",
                "Set an API token of at least " + ApiToken.MIN_LENGTH + " characters: PEERLINK_API_TOKEN=<token> "
                        + "(peerlink.api-token; e.g. PEERLINK_API_TOKEN=$(openssl rand -base64 32)). "
                        + "Or let the peer create one: PEERLINK_API_TOKEN=" + ApiToken.GENERATE
                        + " writes it to <data-dir>/" + ApiToken.FILE_NAME + " (mode 0600) on the first start. "
                        + "Or keep the API on loopback: SERVER_ADDRESS=127.0.0.1 (server.address, the default).",
                cause);
    }
}
