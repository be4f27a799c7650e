package escudo.s0.api;

/** Whether a registered device may still trade. */
public enum DeviceStatus {
    ACTIVE, REVOKED
}
