package dev.armature.tools.difftest;

/**
 * What one emulator did with a batch ELF: its stdout and exit status (128 + signal if killed), a description
 * when it failed to run at all or died (stderr of qemu, or Armature's message), and for Armature the PC where it
 * stopped (-1 when unknown, as for qemu).
 */
record Outcome(byte[] stdout, int status, String note, long stopPc) {
    /** Number of complete records before {@code limit} given each case's output size. */
    int completeRecords(java.util.List<TestCase> cases) {
        int n = 0;
        long at = 0;
        for (TestCase c : cases) {
            at += BatchProgram.outputSize(c);
            if (at > stdout.length) {
                break;
            }
            n++;
        }
        return n;
    }
}
