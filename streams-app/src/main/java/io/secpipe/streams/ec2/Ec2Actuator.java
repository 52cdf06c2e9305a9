package io.secpipe.streams.ec2;

/** Carries out a DELETE decision. The enforcer only calls it when the actuator is enabled. */
@FunctionalInterface
public interface Ec2Actuator {

    /** Terminates the instance, or throws saying why it could not. */
    void terminate(String region, String instanceId) throws Exception;
}
