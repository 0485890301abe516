package io.peerlink.sealed;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link PrekeyStore} in memory, thread-safe: consumption is one atomic remove. Tests only. */
final class MemoryPrekeyStore implements PrekeyStore {

    private final Map<Long, Prekey> prekeys = new ConcurrentHashMap<>();
    private final Set<Long> consumed = ConcurrentHashMap.newKeySet();

    MemoryPrekeyStore add(Prekey... added) {
        for (Prekey p : added) {
            prekeys.put(p.id(), p);
        }
        return this;
    }

    @Override
    public Prekey prekey(long prekeyId) {
        return prekeys.get(prekeyId);
    }

    @Override
    public boolean consumed(long prekeyId) {
        return consumed.contains(prekeyId);
    }

    @Override
    public boolean consume(long prekeyId) {
        Prekey p = prekeys.get(prekeyId);
        // marked consumed before it is removed, so a concurrent open never sees neither
        if (p == null || p.kind() != PrekeyKind.ONE_TIME || !consumed.add(prekeyId)) {
            return false;
        }
        // not destroyed here: an open of a copy may still be using it; the garbage collector takes it
        prekeys.remove(prekeyId);
        return true;
    }

    int size() {
        return prekeys.size();
    }
}
