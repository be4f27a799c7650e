/** S0 (seed 000): the user device's wallet, bound to the machine's hardware serial. */
package escudo.s0.device;
