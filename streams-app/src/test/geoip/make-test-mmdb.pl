#!/usr/bin/perl
# Writes the two small GeoIP2-shaped databases the geo tests read: test-city.mmdb and test-asn.mmdb.
# Reproducible: fixed build epoch, fixed content. Needs Debian's libmaxmind-db-writer-perl.
#   perl streams-app/src/test/geoip/make-test-mmdb.pl streams-app/src/test/resources/geo
# The networks are real public ranges chosen for the tests; the places and AS names in them are invented
# test data, not facts about who holds those addresses.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $out = shift @ARGV or die "usage: $0 OUTPUT_DIR\n";

my %city_types = (
    city => 'map', country => 'map', continent => 'map', location => 'map', registered_country => 'map',
    names => 'map', en => 'utf8_string', de => 'utf8_string', iso_code => 'utf8_string', code => 'utf8_string',
    geoname_id => 'uint32', latitude => 'double', longitude => 'double', accuracy_radius => 'uint16',
    time_zone => 'utf8_string', subdivisions => ['array', 'map'],
);
my %asn_types = (autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string');

sub place {
    my ($city, $iso, $country, $lat, $lon, $tz, @subdivisions) = @_;
    my %doc = (
        country   => {iso_code => $iso, geoname_id => 1000 + length($country), names => {en => $country}},
        registered_country => {iso_code => $iso, names => {en => $country}},
        continent => {code => 'EU', names => {en => 'Europe'}},
        location  => {latitude => $lat, longitude => $lon, accuracy_radius => 50, time_zone => $tz},
    );
    $doc{city} = {geoname_id => 2000 + length($city), names => {en => $city, de => "$city (de)"}} if $city;
    # subdivisions, largest first (as GeoIP2 orders them): [iso_code, English name] pairs
    $doc{subdivisions} = [map { {iso_code => $_->[0], geoname_id => 3000 + length($_->[1]), names => {en => $_->[1]}} } @subdivisions]
        if @subdivisions;
    return \%doc;
}

my $city = MaxMind::DB::Writer::Tree->new(
    database_type => 'GeoIP2-City', description => {en => 'secpipe test City database'},
    ip_version => 6, record_size => 28, languages => ['en', 'de'], map_key_type_callback => sub { $city_types{$_[0]} },
    alias_ipv6_to_ipv4 => 1, remove_reserved_networks => 0,
);
$city->insert_network('81.2.69.0/24', place('Testbury', 'GB', 'United Kingdom', 51.5142, -0.0931, 'Europe/London',
    ['ENG', 'England'], ['TST', 'Testshire']));
$city->insert_network('89.160.20.0/24', place('Testholm', 'SE', 'Sweden', 58.4167, 15.6167, 'Europe/Stockholm'));
# a country without a city: the document then has no city field
$city->insert_network('2.125.160.0/24', place(undef, 'FR', 'France', 46.0, 2.0, 'Europe/Paris'));
$city->insert_network('2a02:cf40::/29', place('Testburg', 'DE', 'Germany', 52.52, 13.405, 'Europe/Berlin',
    ['BE', 'Berlin']));

my $asn = MaxMind::DB::Writer::Tree->new(
    database_type => 'GeoLite2-ASN', description => {en => 'secpipe test ASN database'},
    ip_version => 6, record_size => 28, map_key_type_callback => sub { $asn_types{$_[0]} },
    alias_ipv6_to_ipv4 => 1, remove_reserved_networks => 0,
);
$asn->insert_network('81.2.69.0/24', {autonomous_system_number => 64512, autonomous_system_organization => 'Test Carrier One'});
$asn->insert_network('89.160.20.0/24', {autonomous_system_number => 64513, autonomous_system_organization => 'Test Carrier Two'});
$asn->insert_network('2a02:cf40::/29', {autonomous_system_number => 64514, autonomous_system_organization => 'Test Carrier Six'});
# ASN known, city not: 1.128.0.0/11
$asn->insert_network('1.128.0.0/11', {autonomous_system_number => 64515, autonomous_system_organization => 'Test Carrier Three'});

for my $pair (['test-city.mmdb', $city], ['test-asn.mmdb', $asn]) {
    my ($name, $tree) = @$pair;
    $tree->_set_build_epoch(1767225600); # fixed, so the same script writes the same bytes
    open my $fh, '>:raw', "$out/$name" or die "cannot write $out/$name: $!";
    $tree->write_tree($fh);
    close $fh;
}
