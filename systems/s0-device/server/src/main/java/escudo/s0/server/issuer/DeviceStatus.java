package escudo.s0.server.issuer;

/** Whether a registered device may still trade. */
public enum DeviceStatus {
    ACTIVE, REVOKED
}
