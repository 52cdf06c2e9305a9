package io.secpipe.streams.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class EventPatternTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static boolean matches(String pattern, String event) throws IOException {
        return EventPattern.compile(pattern).matches(JSON.readTree(event));
    }

    private static final String RUN = "{\"source\":\"aws.ec2\",\"detail-type\":\"AWS API Call via CloudTrail\","
            + "\"region\":\"eu-west-1\",\"detail\":{\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"RunInstances\","
            + "\"sourceIPAddress\":\"10.0.3.7\",\"userAgent\":\"aws-cli/2.15.0\",\"count\":3,\"ratio\":0.25,"
            + "\"readOnly\":false,\"errorCode\":null,\"tags\":[\"prod\",\"web\"],"
            + "\"userIdentity\":{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::1:assumed-role/Deployer/alice\"}}}";

    @Test
    void theSeedsPatternMatchesAsWritten() throws IOException {
        assertThat(matches(CloudTrailTopology.DEFAULT_PATTERN, RUN)).isTrue();
        assertThat(matches(CloudTrailTopology.DEFAULT_PATTERN, RUN.replace("RunInstances", "DescribeInstances"))).isFalse();
        assertThat(matches(CloudTrailTopology.DEFAULT_PATTERN, RUN.replace("\"aws.ec2\"", "\"aws.s3\""))).isFalse();
        assertThat(matches(CloudTrailTopology.DEFAULT_PATTERN, "{\"source\":\"aws.ec2\"}")).isFalse();
    }

    @Test
    void exactValuesStringsNumbersBooleansAndNull() throws IOException {
        assertThat(matches("{\"region\":[\"us-east-1\",\"eu-west-1\"]}", RUN)).isTrue();
        assertThat(matches("{\"region\":[\"EU-WEST-1\"]}", RUN)).isFalse();
        assertThat(matches("{\"detail\":{\"count\":[3]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"count\":[3.0]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"count\":[\"3\"]}}", RUN)).isFalse();
        assertThat(matches("{\"detail\":{\"readOnly\":[false]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"errorCode\":[null]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"tags\":[\"web\"]}}", RUN)).as("an array field matches by any element").isTrue();
        assertThat(matches("{\"detail\":{\"missing\":[\"x\"]}}", RUN)).isFalse();
    }

    @Test
    void prefixAndSuffixAlsoIgnoringCase() throws IOException {
        assertThat(matches("{\"detail\":{\"eventName\":[{\"prefix\":\"Run\"}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"eventName\":[{\"prefix\":\"run\"}]}}", RUN)).isFalse();
        assertThat(matches("{\"detail\":{\"eventName\":[{\"prefix\":{\"equals-ignore-case\":\"run\"}}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"eventName\":[{\"suffix\":\"Instances\"}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"eventName\":[{\"suffix\":{\"equals-ignore-case\":\"INSTANCES\"}}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"eventName\":[{\"suffix\":\"Volumes\"}]}}", RUN)).isFalse();
    }

    @Test
    void anythingButValuesPrefixSuffixAndIgnoringCase() throws IOException {
        assertThat(matches("{\"region\":[{\"anything-but\":\"us-east-1\"}]}", RUN)).isTrue();
        assertThat(matches("{\"region\":[{\"anything-but\":[\"eu-west-1\",\"us-east-1\"]}]}", RUN)).isFalse();
        assertThat(matches("{\"detail\":{\"count\":[{\"anything-but\":[1,2]}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"count\":[{\"anything-but\":3}]}}", RUN)).isFalse();
        assertThat(matches("{\"detail\":{\"eventName\":[{\"anything-but\":{\"prefix\":\"Describe\"}}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"eventName\":[{\"anything-but\":{\"prefix\":\"Run\"}}]}}", RUN)).isFalse();
        assertThat(matches("{\"detail\":{\"eventName\":[{\"anything-but\":{\"suffix\":\"Instances\"}}]}}", RUN)).isFalse();
        assertThat(matches("{\"detail\":{\"eventName\":[{\"anything-but\":{\"suffix\":\"Volume\"}}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"eventName\":[{\"anything-but\":{\"equals-ignore-case\":[\"runinstances\"]}}]}}", RUN)).isFalse();
        assertThat(matches("{\"detail\":{\"eventName\":[{\"anything-but\":{\"wildcard\":\"*Describe*\"}}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"missing\":[{\"anything-but\":\"x\"}]}}", RUN))
                .as("anything-but needs the field").isFalse();
    }

    @Test
    void numericRanges() throws IOException {
        assertThat(matches("{\"detail\":{\"count\":[{\"numeric\":[\">\",0,\"<=\",5]}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"count\":[{\"numeric\":[\">\",3]}]}}", RUN)).isFalse();
        assertThat(matches("{\"detail\":{\"count\":[{\"numeric\":[\">=\",3,\"<\",4]}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"ratio\":[{\"numeric\":[\"=\",0.25]}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"ratio\":[{\"numeric\":[\"<\",0.1]}]}}", RUN)).isFalse();
        assertThat(matches("{\"detail\":{\"eventName\":[{\"numeric\":[\">\",0]}]}}", RUN)).as("strings are not numbers").isFalse();
    }

    @Test
    void existsOnLeavesAndNestedMissingObjects() throws IOException {
        assertThat(matches("{\"detail\":{\"errorCode\":[{\"exists\":true}]}}", RUN)).as("present, even if null").isTrue();
        assertThat(matches("{\"detail\":{\"errorMessage\":[{\"exists\":false}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"errorMessage\":[{\"exists\":true}]}}", RUN)).isFalse();
        assertThat(matches("{\"detail\":{\"userIdentity\":[{\"exists\":true}]}}", RUN)).as("objects are not leaves").isFalse();
        assertThat(matches("{\"detail\":{\"nope\":{\"deeper\":[{\"exists\":false}]}}}", RUN)).isTrue();
    }

    @Test
    void equalsIgnoreCaseWildcardAndCidr() throws IOException {
        assertThat(matches("{\"detail\":{\"eventName\":[{\"equals-ignore-case\":\"RUNINSTANCES\"}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"userIdentity\":{\"arn\":[{\"wildcard\":\"arn:aws:sts::*:assumed-role/Deployer/*\"}]}}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"userIdentity\":{\"arn\":[{\"wildcard\":\"arn:aws:iam::*\"}]}}}", RUN)).isFalse();
        assertThat(EventPattern.wildcard("a\\*b", "a*b")).isTrue();
        assertThat(EventPattern.wildcard("a\\*b", "axb")).isFalse();
        assertThat(EventPattern.wildcard("*a*a", "aaa")).isTrue();
        assertThat(EventPattern.wildcard("ab*ba", "aba")).isFalse();
        assertThat(matches("{\"detail\":{\"sourceIPAddress\":[{\"cidr\":\"10.0.0.0/16\"}]}}", RUN)).isTrue();
        assertThat(matches("{\"detail\":{\"sourceIPAddress\":[{\"cidr\":\"10.1.0.0/16\"}]}}", RUN)).isFalse();
    }

    @Test
    void orAcrossFields() throws IOException {
        String p = "{\"source\":[\"aws.ec2\"],\"$or\":[{\"region\":[\"us-east-1\"]},{\"detail\":{\"count\":[{\"numeric\":[\">\",2]}]}}]}";
        assertThat(matches(p, RUN)).isTrue();
        assertThat(matches(p, RUN.replace("\"count\":3", "\"count\":1"))).isFalse();
        assertThat(matches(p, RUN.replace("\"count\":3", "\"count\":1").replace("eu-west-1", "us-east-1"))).isTrue();
    }

    @Test
    void refusesPatternsItDoesNotUnderstand() {
        assertThatThrownBy(() -> EventPattern.compile("{\"source\":\"aws.ec2\"}")).hasMessageContaining("arrays or objects");
        assertThatThrownBy(() -> EventPattern.compile("{\"source\":[{\"regex\":\".*\"}]}")).hasMessageContaining("unknown content filter");
        assertThatThrownBy(() -> EventPattern.compile("{\"n\":[{\"numeric\":[\"~\",1]}]}")).hasMessageContaining("numeric operator");
        assertThatThrownBy(() -> EventPattern.compile("{\"$or\":[{\"a\":[1]}]}")).hasMessageContaining("at least two");
        assertThatThrownBy(() -> EventPattern.compile("[1]")).hasMessageContaining("JSON object");
    }

    @SuppressWarnings("unused")
    private static JsonNode tree(String s) throws IOException {
        return JSON.readTree(s);
    }
}
