package io.secpipe.streams.geo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.AsnResponse;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.record.Subdivision;
import io.secpipe.streams.StreamsSettings;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GeoLookup} on MaxMind GeoIP2/GeoLite2 City and ASN databases (either may be absent). The
 * readers are memory-mapped, thread-safe and cache decoded records ({@link CHMCache}), so one instance
 * serves every stream thread.
 *
 * <p>Document shape: {@code {"country_iso_code", "country_name", "region_iso_code", "region_name", "city_name",
 * "location": {"lat","lon"}, "asn", "as_org"}}, each present only when the database has it. The region is the
 * first of GeoIP2's subdivisions (the largest: a state, a province, England), its ISO 3166-2 code without the
 * country prefix ({@code ENG}, {@code CA}).
 */
public final class MaxMindGeoLookup implements GeoLookup, Closeable {

    public static final String CITY_DATABASE = "geoip.city.database";
    public static final String ASN_DATABASE = "geoip.asn.database";

    private static final Logger log = LoggerFactory.getLogger(MaxMindGeoLookup.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final DatabaseReader city;
    private final DatabaseReader asn;

    public MaxMindGeoLookup(Path cityDatabase, Path asnDatabase) throws IOException {
        this.city = cityDatabase == null ? null : open(cityDatabase);
        this.asn = asnDatabase == null ? null : open(asnDatabase);
    }

    private static DatabaseReader open(Path database) throws IOException {
        return new DatabaseReader.Builder(database.toFile()).withCache(new CHMCache()).build();
    }

    /**
     * The lookup the settings ask for: {@value #CITY_DATABASE} and {@value #ASN_DATABASE} name the files.
     * With neither set, geo is off and one log line says so; a set path that cannot be read is an error
     * (a typo must not silently switch geo off).
     */
    public static GeoLookup fromSettings(Properties props) {
        Path cityPath = path(props, CITY_DATABASE);
        Path asnPath = path(props, ASN_DATABASE);
        if (cityPath == null && asnPath == null) {
            log.info("GeoIP off: neither {} nor {} is set", CITY_DATABASE, ASN_DATABASE);
            return GeoLookup.none();
        }
        try {
            MaxMindGeoLookup lookup = new MaxMindGeoLookup(cityPath, asnPath);
            log.info("GeoIP on: city database {}, ASN database {}", cityPath, asnPath);
            return lookup;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the GeoIP databases " + cityPath + ", " + asnPath, e);
        }
    }

    private static Path path(Properties props, String key) {
        String value = StreamsSettings.parse(props, StreamsSettings.geoip()).getString(key).strip();
        if (value.isEmpty()) {
            return null;
        }
        Path p = Path.of(value);
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException(key + ": cannot read " + p);
        }
        return p;
    }

    @Override
    public Optional<ObjectNode> lookup(String ip) {
        InetAddress address;
        try {
            // the parser only lets IP literals through, so this never asks DNS
            address = InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        if (!PublicAddresses.isPublic(address)) {
            return Optional.empty();
        }
        ObjectNode geo = NODES.objectNode();
        try {
            if (city != null) {
                city.tryCity(address).ifPresent(c -> putCity(geo, c));
            }
            if (asn != null) {
                asn.tryAsn(address).ifPresent(a -> putAsn(geo, a));
            }
        } catch (IOException | GeoIp2Exception e) {
            // a corrupt region of the database: this address goes without geo, the flow is still indexed
            return Optional.empty();
        }
        return geo.isEmpty() ? Optional.empty() : Optional.of(geo);
    }

    private static void putCity(ObjectNode geo, CityResponse c) {
        if (c.country() != null && c.country().isoCode() != null) {
            geo.put("country_iso_code", c.country().isoCode());
            if (c.country().getName() != null) {
                geo.put("country_name", c.country().getName());
            }
        }
        // the region is the first (largest) subdivision, a state or a country of the UK, as the seed's geo service
        // gave it; a city can lie in smaller ones too
        if (c.subdivisions() != null && !c.subdivisions().isEmpty()) {
            Subdivision region = c.subdivisions().get(0);
            if (region.isoCode() != null) {
                geo.put("region_iso_code", region.isoCode());
            }
            if (region.getName() != null) {
                geo.put("region_name", region.getName());
            }
        }
        if (c.city() != null && c.city().getName() != null) {
            geo.put("city_name", c.city().getName());
        }
        if (c.location() != null && c.location().latitude() != null && c.location().longitude() != null) {
            ObjectNode location = geo.putObject("location");
            location.put("lat", c.location().latitude());
            location.put("lon", c.location().longitude());
        }
    }

    private static void putAsn(ObjectNode geo, AsnResponse a) {
        if (a.autonomousSystemNumber() != null) {
            geo.put("asn", a.autonomousSystemNumber());
        }
        if (a.autonomousSystemOrganization() != null) {
            geo.put("as_org", a.autonomousSystemOrganization());
        }
    }

    @Override
    public void close() throws IOException {
        if (city != null) {
            city.close();
        }
        if (asn != null) {
            asn.close();
        }
    }
}
