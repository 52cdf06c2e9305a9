package io.secpipe.streams.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Against the databases src/test/geoip/make-test-mmdb.pl writes into src/test/resources/geo/. */
class MaxMindGeoLookupTest {

    static final Path CITY = Path.of("src/test/resources/geo/test-city.mmdb");
    static final Path ASN = Path.of("src/test/resources/geo/test-asn.mmdb");

    @Test
    void findsCityCountryLocationAndAsnOfPublicAddresses() throws Exception {
        try (MaxMindGeoLookup geo = new MaxMindGeoLookup(CITY, ASN)) {
            assertThat(geo.lookup("81.2.69.142").orElseThrow().toString()).isEqualTo("{\"country_iso_code\":\"GB\","
                    + "\"country_name\":\"United Kingdom\",\"region_iso_code\":\"ENG\",\"region_name\":\"England\",\"city_name\":\"Testbury\",\"location\":{\"lat\":51.5142,\"lon\":-0.0931},"
                    + "\"asn\":64512,\"as_org\":\"Test Carrier One\"}");
            assertThat(geo.lookup("2a02:cf40::1").orElseThrow().toString()).isEqualTo("{\"country_iso_code\":\"DE\","
                    + "\"country_name\":\"Germany\",\"region_iso_code\":\"BE\",\"region_name\":\"Berlin\",\"city_name\":\"Testburg\",\"location\":{\"lat\":52.52,\"lon\":13.405},"
                    + "\"asn\":64514,\"as_org\":\"Test Carrier Six\"}");
            // a country without a region or a city, an ASN without a place
            assertThat(geo.lookup("2.125.160.216").orElseThrow().toString()).isEqualTo("{\"country_iso_code\":\"FR\","
                    + "\"country_name\":\"France\",\"location\":{\"lat\":46.0,\"lon\":2.0}}");
            assertThat(geo.lookup("1.128.0.1").orElseThrow().toString()).isEqualTo("{\"asn\":64515,\"as_org\":\"Test Carrier Three\"}");
            assertThat(geo.lookup("8.8.8.8")).isEmpty();
        }
    }

    @Test
    void skipsPrivateAndReservedRanges() throws Exception {
        try (MaxMindGeoLookup geo = new MaxMindGeoLookup(CITY, ASN)) {
            for (String ip : new String[] {"10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "127.0.0.1", "169.254.169.254",
                    "198.51.100.7", "203.0.113.9", "224.0.0.1", "255.255.255.255", "::1", "fe80::1", "fd00::1", "2001:db8::1", "ff02::1"}) {
                assertThat(geo.lookup(ip)).as(ip).isEmpty();
            }
        }
        assertThat(PublicAddresses.isPublic(InetAddress.getByName("::ffff:81.2.69.142"))).isTrue();
        assertThat(PublicAddresses.isPublic(InetAddress.getByName("::ffff:10.0.0.1"))).isFalse();
        assertThat(PublicAddresses.isPublic(InetAddress.getByName("172.32.0.1"))).isTrue();
    }

    @Test
    void isOffWithoutDatabasesAndFailsOnAPathItCannotRead() {
        assertThat(MaxMindGeoLookup.fromSettings(new Properties()).lookup("81.2.69.142")).isEmpty();
        Properties onlyAsn = new Properties();
        onlyAsn.setProperty(MaxMindGeoLookup.ASN_DATABASE, ASN.toString());
        assertThat(MaxMindGeoLookup.fromSettings(onlyAsn).lookup("81.2.69.142").orElseThrow().toString())
                .isEqualTo("{\"asn\":64512,\"as_org\":\"Test Carrier One\"}");
        Properties typo = new Properties();
        typo.setProperty(MaxMindGeoLookup.CITY_DATABASE, "/no/such/GeoLite2-City.mmdb");
        assertThatThrownBy(() -> MaxMindGeoLookup.fromSettings(typo)).hasMessageContaining("geoip.city.database");
    }
}
