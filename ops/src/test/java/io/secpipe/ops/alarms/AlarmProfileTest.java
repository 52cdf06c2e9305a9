package io.secpipe.ops.alarms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/** The profile files are data: every value in them must be one CloudWatch accepts. */
class AlarmProfileTest {

    @ParameterizedTest
    @ValueSource(strings = {"aws-recommended", "seed-2018"})
    void everyRuleUsesAStatisticAndComparisonCloudWatchKnows(String name) {
        AlarmProfile profile = AlarmProfile.load(name);

        assertThat(profile.name()).isEqualTo(name);
        assertThat(profile.rules()).isNotEmpty().allSatisfy(rule -> {
            assertThat(Statistic.fromValue(rule.statistic())).isNotEqualTo(Statistic.UNKNOWN_TO_SDK_VERSION);
            assertThat(ComparisonOperator.fromValue(rule.comparison())).isNotEqualTo(ComparisonOperator.UNKNOWN_TO_SDK_VERSION);
            // CloudWatch: a period of 10, 30 or a multiple of 60 seconds; period x evaluation periods at most one day
            assertThat(rule.period() % 60).isZero();
            assertThat(rule.period() * rule.evaluationPeriods()).isLessThanOrEqualTo(86_400);
        });
        assertThat(profile.rules()).extracting(AlarmProfile.Rule::metric).doesNotHaveDuplicates();
    }

    @Test
    void anUnknownProfileNamesTheKnownOnes() {
        assertThatThrownBy(() -> AlarmProfile.load("../aws-recommended"))
                .hasMessage("alarm profile ../aws-recommended is not known; known: [aws-recommended, seed-2018]");
    }
}
