package escudo.issuer.trade;

/** Whether a registered device may still trade. */
public enum DeviceStatus {
    ACTIVE, REVOKED
}
