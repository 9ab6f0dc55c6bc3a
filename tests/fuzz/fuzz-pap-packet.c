/* fuzz-pap-packet.c — sequences of PAP packets into a DtAuth in each role:
 * the driver of fuzz-chap-packet.c with the method fixed to PAP. */
#define FUZZ_PAP 1
#include "fuzz-chap-packet.c"
