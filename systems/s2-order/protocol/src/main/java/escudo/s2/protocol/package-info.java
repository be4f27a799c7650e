/** S2 (seed 002): the split order, each party reads only its part. */
package escudo.s2.protocol;
