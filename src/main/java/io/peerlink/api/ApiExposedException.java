package io.peerlink.api;

/**
 * The HTTP API would listen beyond loopback without a token; {@link ApiExposureFailureAnalyzer}
 * says how to set one.
 */
final class ApiExposedException extends IllegalStateException {

    private final ApiBinding binding;

    ApiExposedException(ApiBinding binding) {
        super("The HTTP API would listen on " + binding.describe() + ", beyond loopback, without an API token");
        this.binding = binding;
    }

    ApiBinding binding() {
        return binding;
    }
}
