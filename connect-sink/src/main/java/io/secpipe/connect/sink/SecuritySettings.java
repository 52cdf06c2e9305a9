package io.secpipe.connect.sink;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Who the sink is to the engine: basic auth and TLS with Confluent's keys; an API key and AWS SigV4
 * (Amazon OpenSearch Service and Serverless) are ours. Secrets are PASSWORD keys, which Connect masks.
 */
final class SecuritySettings {

    static final String GROUP = "Security";
    static final String CONNECTION_USERNAME = "connection.username";
    static final String CONNECTION_PASSWORD = "connection.password";
    static final String API_KEY = "connection.api.key";
    static final String SECURITY_PROTOCOL = "elastic.security.protocol";
    static final String KEYSTORE_LOCATION = "elastic.https.ssl.keystore.location";
    static final String KEYSTORE_PASSWORD = "elastic.https.ssl.keystore.password";
    static final String KEYSTORE_TYPE = "elastic.https.ssl.keystore.type";
    static final String KEY_PASSWORD = "elastic.https.ssl.key.password";
    static final String TRUSTSTORE_LOCATION = "elastic.https.ssl.truststore.location";
    static final String TRUSTSTORE_PASSWORD = "elastic.https.ssl.truststore.password";
    static final String TRUSTSTORE_TYPE = "elastic.https.ssl.truststore.type";
    static final String SSL_PROTOCOL = "elastic.https.ssl.protocol";
    static final String ENDPOINT_IDENTIFICATION = "elastic.https.ssl.endpoint.identification.algorithm";
    static final String AWS_SERVICE = "aws.sigv4.service";
    static final String AWS_REGION = "aws.region";

    enum Protocol { PLAINTEXT, SSL }

    /** The signing name of the AWS service; NONE signs nothing. */
    enum AwsService { NONE, ES, AOSS }

    private SecuritySettings() {
    }

    static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(CONNECTION_USERNAME, Type.STRING, null, Importance.MEDIUM,
                        "User for basic authentication.", GROUP, ++order, Width.SHORT, "Username")
                .define(CONNECTION_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                        "Password for basic authentication (use a config provider, never a literal secret).",
                        GROUP, ++order, Width.SHORT, "Password")
                .define(API_KEY, Type.PASSWORD, null, Importance.MEDIUM,
                        "An API key sent as 'Authorization: ApiKey <value>': the base64 'encoded' value Elasticsearch returns, "
                                + "or 'id:api_key', which the sink encodes. Excludes basic authentication.",
                        GROUP, ++order, Width.SHORT, "API key")
                .define(SECURITY_PROTOCOL, Type.STRING, "plaintext", ConfigSupport.oneOf(Protocol.class), Importance.MEDIUM,
                        "'ssl' uses the elastic.https.ssl.* key and trust stores for https:// URLs; 'plaintext' uses the JVM's "
                                + "default trust store.", GROUP, ++order, Width.SHORT, "Security protocol")
                .define(KEYSTORE_LOCATION, Type.STRING, null, Importance.LOW,
                        "Key store with the client certificate (mutual TLS).", GROUP, ++order, Width.LONG, "Key store")
                .define(KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                        "Password of the key store.", GROUP, ++order, Width.SHORT, "Key store password")
                .define(KEYSTORE_TYPE, Type.STRING, "JKS", Importance.LOW,
                        "Type of the key store (JKS, PKCS12).", GROUP, ++order, Width.SHORT, "Key store type")
                .define(KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                        "Password of the private key in the key store; defaults to the key store's.", GROUP, ++order, Width.SHORT,
                        "Key password")
                .define(TRUSTSTORE_LOCATION, Type.STRING, null, Importance.LOW,
                        "Trust store with the engine's CA.", GROUP, ++order, Width.LONG, "Trust store")
                .define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                        "Password of the trust store.", GROUP, ++order, Width.SHORT, "Trust store password")
                .define(TRUSTSTORE_TYPE, Type.STRING, "JKS", Importance.LOW,
                        "Type of the trust store (JKS, PKCS12).", GROUP, ++order, Width.SHORT, "Trust store type")
                .define(SSL_PROTOCOL, Type.STRING, "TLSv1.3", Importance.LOW,
                        "TLS protocol of the SSLContext.", GROUP, ++order, Width.SHORT, "TLS protocol")
                .define(ENDPOINT_IDENTIFICATION, Type.STRING, "https", ConfigDef.ValidString.in("https", "HTTPS", ""), Importance.LOW,
                        "'https' checks that the engine's certificate names the host of connection.url; empty checks the chain "
                                + "only (a certificate issued for another name, as in a test cluster). Applies with 'ssl'.",
                        GROUP, ++order, Width.SHORT, "Endpoint identification")
                .define(AWS_SERVICE, Type.STRING, "none", ConfigSupport.oneOf(AwsService.class), Importance.MEDIUM,
                        "Sign every request with AWS SigV4 for 'es' (Amazon OpenSearch Service) or 'aoss' (OpenSearch "
                                + "Serverless); credentials come from the SDK's default chain (environment, profile, web identity, "
                                + "container or instance role). Excludes basic authentication and API keys.",
                        GROUP, ++order, Width.SHORT, "SigV4 service")
                .define(AWS_REGION, Type.STRING, "", Importance.MEDIUM,
                        "AWS region of the domain or collection for SigV4; empty: the SDK's default region chain.",
                        GROUP, ++order, Width.SHORT, "AWS region");
    }
}
