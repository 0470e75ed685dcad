/* replay.h: `gilbench estimate-replay DIR [--quiet-until S]` (not in the help: a tool for
 * calibrating the estimate, scripts/bench-estimate.sh). It rebuilds a recorded run's plan from its
 * journal's arguments, feeds its repetitions, in the order and at the times they ended, to the
 * running estimate of estimate.h, and prints what the estimate would have said at 10%, 20%, ...
 * of the run against the time the run took, the plan's start figure, and from when on the
 * estimate stayed within 10%. Nothing is measured but, for runs recorded before the results kept
 * them, the references (re-timed now, on this machine as it is). With --quiet-until S, the
 * repetitions that ended after S s take their cell's mean time before S (a run a load stretched,
 * replayed as if the machine had stayed as it was). */
#ifndef GB_REPLAY_H
#define GB_REPLAY_H

/* The command: argv[0] is "estimate-replay". Exit status 0, or 2 with the reason on stderr. */
int gb_replay_cmd(int argc, char **argv);

#endif
