/* pdot from C: bad input gives the same status on every rank, never a crash, a hang or an
 * MPI_Abort by pdot; split-phase requests; the caller's communicator stays the caller's.
 *
 *   mpicc bad_input.c $(pkg-config --cflags --libs pdot) -o bad_input && mpiexec -n 3 ./bad_input
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>
#include <pdot.h>

#include "data.h"

#define N 1000
static int rank, size, cases;

static void fail(const char *what) {
    fprintf(stderr, "rank %d: FAIL: %s (last error: %s)\n", rank, what, pdot_last_error());
    MPI_Abort(MPI_COMM_WORLD, 1);
}

/* `got` is `want` on this rank, and every rank got the same status and message. */
static void expect(int got, int want, const char *what) {
    if (getenv("PDOT_TRACE")) fprintf(stderr, "rank %d: %s\n", rank, what);
    if (got != want) {
        fprintf(stderr, "rank %d: %s: status %s, expected %s\n", rank, what,
                pdot_status_name(got), pdot_status_name(want));
        fail(what);
    }
    uint64_t h = (uint64_t)got; /* the status, then FNV-1a of the message */
    for (const char *c = got == PDOT_SUCCESS ? "" : pdot_last_error(); *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211u;
    uint64_t lo, hi;
    MPI_Allreduce(&h, &lo, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&h, &hi, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    if (lo != hi) fail("the status or the message differs between ranks");
    cases++;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm comm = MPI_COMM_WORLD;
    int last = size - 1;
    double x[N], y[N], r = 0.0, good, again, res[2];
    for (int i = 0; i < N; i++) x[i] = data_x(i), y[i] = data_y(i);
    expect(pdot_mpi_ddot(comm, N, x, 1, y, 1, PDOT_EXACT, &good), PDOT_SUCCESS, "a good call");

    /* Invalid arguments on one rank: its status on every rank. */
    expect(pdot_mpi_ddot(comm, N, rank == last ? NULL : x, 1, y, 1, PDOT_EXACT, &r),
           PDOT_ERR_NULL_POINTER, "null x on the last rank");
    expect(pdot_mpi_ddot(comm, rank == 0 ? -1 : N, x, 1, y, 1, PDOT_EXACT, &r),
           PDOT_ERR_LENGTH, "n < 0 on rank 0");
    expect(pdot_mpi_ddot(comm, N, x, 1, y, 1, PDOT_EXACT, rank == 0 ? NULL : &r),
           PDOT_ERR_NULL_POINTER, "null result on rank 0");
    expect(pdot_mpi_ddot(comm, N, x, 1, y, 1, 7, &r), PDOT_ERR_ACCURACY, "accuracy 7 everywhere");
    /* With PDOT_FAST elsewhere, the values are of one kind: the last rank's status. With
     * PDOT_EXACT elsewhere, the kinds differ: PDOT_ERR_DISAGREE (the same on every rank). */
    expect(pdot_mpi_dnrm2(comm, N, x, 1, rank == last ? -5 : PDOT_FAST, &r), PDOT_ERR_ACCURACY,
           "bad accuracy on the last rank");
    expect(pdot_mpi_dnrm2(comm, N, x, 1, rank == last ? -5 : PDOT_EXACT, &r),
           size > 1 ? PDOT_ERR_DISAGREE : PDOT_ERR_ACCURACY, "bad accuracy, Exact elsewhere");
    /* Values that must agree across ranks. */
    expect(pdot_mpi_ddot(comm, N, x, 1, y, 1, rank == 0 ? PDOT_FAST : PDOT_EXACT, &r),
           size > 1 ? PDOT_ERR_DISAGREE : PDOT_SUCCESS, "accuracies differ");
    const double *xs2[2] = {x, y}, *ys2[2] = {y, x};
    expect(pdot_mpi_ddots(comm, rank == last ? 1 : 2, N, xs2, ys2, PDOT_EXACT, res),
           size > 1 ? PDOT_ERR_DISAGREE : PDOT_SUCCESS, "k differs");
    expect(pdot_mpi_dmdot(comm, N, x, 1, rank == 0 ? 0 : 1, ys2, 1, PDOT_EXACT, res),
           size > 1 ? PDOT_ERR_DISAGREE : PDOT_SUCCESS, "k = 0 on rank 0 only");
    expect(pdot_mpi_ddot(MPI_COMM_NULL, N, x, 1, y, 1, PDOT_EXACT, &r), PDOT_ERR_COMM,
           "MPI_COMM_NULL");
    /* Single-core. */
    expect(pdot_ddot(N, NULL, 1, y, 1, PDOT_EXACT, &r), PDOT_ERR_NULL_POINTER, "pdot_ddot null");
    expect(pdot_ddot(-3, x, 1, y, 1, PDOT_EXACT, &r), PDOT_ERR_LENGTH, "pdot_ddot n < 0");
    expect(pdot_ddot(0, NULL, 1, NULL, 1, PDOT_EXACT, &r), PDOT_SUCCESS, "pdot_ddot n = 0");
    if (r != 0.0) fail("n = 0 gives 0");
    /* BLAS semantics of a negative increment: the reversed copy, read forwards. */
    double yr[N], back, fwd;
    for (int i = 0; i < N; i++) yr[i] = y[N - 1 - i];
    expect(pdot_ddot(N, x, 1, y, -1, PDOT_EXACT, &back), PDOT_SUCCESS, "incy = -1");
    expect(pdot_ddot(N, x, 1, yr, 1, PDOT_EXACT, &fwd), PDOT_SUCCESS, "reversed copy");
    if (bits64(back) != bits64(fwd)) fail("incy = -1 is not the reversed vector");

    /* Still good after the errors: the same bits as the first call. */
    expect(pdot_mpi_ddot(comm, N, x, 1, y, 1, PDOT_EXACT, &again), PDOT_SUCCESS, "good again");
    if (bits64(again) != bits64(good)) fail("a good call after errors gives other bits");

    /* Split-phase: begun in one order, finished in the other, and by pdot_test. */
    pdot_request *a, *b, *c;
    double ra, rb, rc;
    expect(pdot_mpi_ddot_begin(comm, N, x, 1, y, 1, PDOT_EXACT, &ra, &a), PDOT_SUCCESS, "begin a");
    expect(pdot_mpi_ddot_begin(comm, N, x, 1, x, 1, PDOT_EXACT, &rb, &b), PDOT_SUCCESS, "begin b");
    expect(pdot_wait(&b), PDOT_SUCCESS, "wait b");
    expect(pdot_wait(&a), PDOT_SUCCESS, "wait a");
    if (a || b) fail("pdot_wait leaves a request");
    if (bits64(ra) != bits64(good)) fail("split-phase gives other bits");
    expect(pdot_mpi_ddot(comm, N, x, 1, x, 1, PDOT_EXACT, &r), PDOT_SUCCESS, "x.x");
    if (bits64(rb) != bits64(r)) fail("split-phase x.x gives other bits");
    expect(pdot_mpi_ddot_begin(comm, N, x, 1, y, 1, PDOT_COMPENSATED, &rc, &c), PDOT_SUCCESS, "begin c");
    int done = 0, status = PDOT_SUCCESS;
    while (!done && status == PDOT_SUCCESS) status = pdot_test(&c, &done); /* not collective */
    expect(status, PDOT_SUCCESS, "pdot_test");
    if (c) fail("pdot_test leaves a completed request");
    expect(pdot_mpi_ddot(comm, N, x, 1, y, 1, PDOT_COMPENSATED, &r), PDOT_SUCCESS, "compensated");
    if (bits64(rc) != bits64(r)) fail("pdot_test gives other bits");
    /* Bad input in a split-phase call: begin succeeds, wait reports it on every rank. */
    expect(pdot_mpi_ddot_begin(comm, N, rank == last ? NULL : x, 1, y, 1, PDOT_EXACT, &ra, &a),
           PDOT_SUCCESS, "begin with a null x");
    expect(pdot_wait(&a), PDOT_ERR_NULL_POINTER, "wait with a null x");
    expect(pdot_wait(&a), PDOT_ERR_REQUEST, "wait on a completed request");
    expect(pdot_mpi_ddots_begin(comm, 2, N, xs2, ys2, PDOT_EXACT, res, &a), PDOT_SUCCESS, "begin ddots");
    expect(pdot_request_free(&a), PDOT_SUCCESS, "free an outstanding request");
    if (a) fail("pdot_request_free leaves a request");

    /* The caller's communicator: pdot neither frees it nor needs it after the call. */
    for (int round = 0; round < 3; round++) {
        MPI_Comm dup;
        MPI_Comm_dup(MPI_COMM_WORLD, &dup);
        expect(pdot_mpi_ddot(dup, N, x, 1, y, 1, PDOT_EXACT, &r), PDOT_SUCCESS, "on a duplicate");
        if (bits64(r) != bits64(good)) fail("a duplicate gives other bits");
        int cmp;
        MPI_Comm_compare(dup, MPI_COMM_WORLD, &cmp);
        if (cmp != MPI_CONGRUENT) fail("pdot changed the caller's communicator");
        MPI_Comm_free(&dup);
        if (dup != MPI_COMM_NULL) fail("MPI_Comm_free");
    }
    MPI_Comm half;
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half);
    expect(pdot_mpi_ddot(half, N, x, 1, y, 1, PDOT_EXACT, &r), PDOT_SUCCESS, "on a split");
    MPI_Comm_free(&half);
    expect(pdot_mpi_ddot(MPI_COMM_SELF, N, x, 1, y, 1, PDOT_EXACT, &r), PDOT_SUCCESS, "on MPI_COMM_SELF");

    if (rank == 0) printf("bad-input: %d cases passed on %d ranks\n", cases, size);
    MPI_Finalize();
    return 0;
}
