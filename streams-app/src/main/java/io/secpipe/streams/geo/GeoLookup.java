package io.secpipe.streams.geo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Where an IP address is: country, city, location, ASN and organisation, as the {@code *_geo} object of
 * a document. Private and reserved addresses, and addresses the databases do not know, have none.
 */
public interface GeoLookup {

    Optional<ObjectNode> lookup(String ip);

    /** Geo switched off (no database configured): every lookup finds nothing. */
    static GeoLookup none() {
        return ip -> Optional.empty();
    }
}
