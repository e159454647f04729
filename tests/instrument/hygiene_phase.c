/* hygiene_phase.c -- dmd_phase.h alone: the phase markers without any macro
 * of dmd.h (a probe includes only this header).  Compiled by hygiene.sh. */
#include "dmd_phase.h"

#if defined(DMD_H) || defined(DMD_LD) || defined(LD) || defined(MAX) || defined(DMD_REGION)
#error "dmd_phase.h pulled in dmd.h's macros"
#endif

int main(void)
{
    DMD_PHASE_BEGIN("outer");
    int ok = dmd_phase_depth() == 1;
    DMD_PHASE_END("outer");
    return !(ok && dmd_phase_depth() == 0);
}
