package io.peerlink.api;

import static io.peerlink.api.OpenApiConfiguration.BAD_REQUEST;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Min;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code /api/events}: what happens on this peer, as Server-Sent Events, resumable across restarts. */
@RestController
@RequestMapping("/api/events")
@Tag(name = "Events", description = "Push: messages, status changes and peers, as Server-Sent Events")
class EventController {

    private final EventStreams streams;

    EventController(EventStreams streams) {
        this.streams = streams;
    }

    @GetMapping(produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(operationId = "followEvents", summary = "Follow events",
            description = "A Server-Sent Events stream. Events: \"message\" (an inbound message was stored; data: "
                    + "the message), \"status\" (an outbound message changed state; data: {id, peerId, cursor, "
                    + "status, at}), \"peer\" (data: {peerId, event: connected|disconnected|forgotten, at}). Every "
                    + "event has an increasing id. Reconnect with the header Last-Event-ID: N (or ?after=N) to get "
                    + "every stored event after N first, also across restarts of this peer, then live ones. A "
                    + "comment line comes every 15 s while nothing happens. Try it with curl -N.")
    @ApiResponse(responseCode = "200", description = "The stream",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                    schema = @Schema(ref = "#/components/schemas/" + EventSchemas.STREAM)))
    @ApiResponse(responseCode = "400", ref = BAD_REQUEST)
    SseEmitter events(
            @Parameter(description = "start after this event id (0 = every stored event); Last-Event-ID wins")
            @RequestParam(required = false) @Min(value = 0, message = "must be 0 or more") Long after,
            @Parameter(description = "the id of the last event the client saw (sent by EventSource on reconnect)")
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        long start = after == null ? 0 : after;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                start = Long.parseLong(lastEventId.strip());
            } catch (NumberFormatException e) {
                start = -1;
            }
            if (start < 0) {
                throw new ApiException(ApiError.INVALID_REQUEST,
                        "Last-Event-ID must be an event id (a whole number, 0 or more)");
            }
        }
        return streams.open(start);
    }
}
