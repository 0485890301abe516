package io.peerlink.api;

import static io.peerlink.api.OpenApiConfiguration.typed;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.media.Schema;
import java.util.List;

/**
 * The schemas of {@code /api/events} for the OpenAPI document: the stream is a sequence of
 * Server-Sent Events, each with an {@code id}, an {@code event} name and a JSON {@code data} line,
 * as {@link EventStreams} writes them. OpenAPI 3.1 has no way to type one event of a stream, so the
 * stream is described as an array of events, one schema per event name.
 */
final class EventSchemas {

    static final String STREAM = "EventStream";

    private EventSchemas() {
    }

    static void addTo(Components components) {
        components.addSchemas("MessageEventData", new Schema<>().description("The stored inbound message; if the "
                        + "history retention removed it since, only its id, peerId and cursor")
                .anyOf(List.of(ref("Message"), typed("object").description("a message removed since")
                        .addProperty("id", typed("string").format("uuid"))
                        .addProperty("peerId", typed("string"))
                        .addProperty("cursor", typed("integer").format("int64"))
                        .required(List.of("id", "peerId", "cursor")))));
        components.addSchemas("StatusEventData", typed("object").description("An outbound message's new status")
                .addProperty("id", typed("string").format("uuid").description("the message id"))
                .addProperty("peerId", typed("string").description("the recipient"))
                .addProperty("cursor", typed("integer").format("int64").description("the message's cursor"))
                .addProperty("status", typed("string").description("the new status")
                        ._enum(List.of("QUEUED", "SENT", "DELIVERED", "FAILED")))
                .addProperty("at", typed("string").format("date-time").description("when it changed"))
                .required(List.of("id", "peerId", "cursor", "status", "at")));
        components.addSchemas("PeerEventData", typed("object").description("Something happened to a peer: it "
                        + "connected or disconnected, was forgotten, its key changed, it sent its first message request "
                        + "(request), was accepted, blocked or unblocked, presented an invite's one-time grant and is a "
                        + "contact now (granted) or stays a request (grant-refused, reason used, expired or unknown), "
                        + "or refused this peer's connection for now (refused, reason its close code: REQUEST_QUOTA, "
                        + "REQUESTS_REFUSED, STORAGE_FULL, BLOCKED or TOO_MANY_CONNECTIONS; said once until a "
                        + "connection ends without a refusal)")
                .addProperty("peerId", typed("string"))
                .addProperty("event", typed("string")._enum(List.of("connected", "disconnected", "forgotten",
                        "key-changed", "request", "accepted", "blocked", "unblocked", "granted", "grant-refused",
                        "refused")))
                .addProperty("reason", typed("string").description("grant-refused and refused only: why"))
                .addProperty("at", typed("string").format("date-time"))
                .required(List.of("peerId", "event", "at")));
        components.addSchemas("MessageEvent", event("message", "an inbound message was stored", "MessageEventData"));
        components.addSchemas("StatusEvent", event("status", "an outbound message changed state", "StatusEventData"));
        components.addSchemas("PeerEvent", event("peer", "something happened to a peer (see PeerEventData)",
                "PeerEventData"));
        components.addSchemas(STREAM, typed("array").description("Server-Sent Events (text/event-stream): each item "
                        + "is one event, written as `id: N`, `event: <name>` and one `data:` line of JSON. Comment "
                        + "lines (`: keep-alive`) come between events and carry nothing.")
                .items(new Schema<>().oneOf(List.of(ref("MessageEvent"), ref("StatusEvent"), ref("PeerEvent")))));
    }

    private static Schema<?> event(String name, String description, String data) {
        Schema<Object> constant = typed("string");
        constant.setConst(name);
        return typed("object").description("event `" + name + "`: " + description)
                .addProperty("id", typed("string").pattern("^[0-9]+$")
                        .description("increasing event id; resume after it with Last-Event-ID"))
                .addProperty("event", constant)
                .addProperty("data", ref(data))
                .required(List.of("id", "event", "data"));
    }

    private static Schema<?> ref(String schema) {
        return new Schema<>().$ref("#/components/schemas/" + schema);
    }
}
