! pdot from Fortran: a distributed dot product on rank-strided data (rank r owns elements
! r+1, r+1+P, ... of the global arrays, read in place with increment P), with
! type(MPI_Comm) from mpi_f08. Prints the bits of the Exact result on rank 0; checks that
! every rank has the same bits, and the status of a bad call.
!
!   mpif90 pdot.f90 dot.f90 $(pkg-config --libs pdot) -o dot_f && mpiexec -n 4 ./dot_f
program dot
    use mpi_f08
    use pdot
    implicit none
    integer, parameter :: n = 1000
    real(8) :: x(n), y(n), d, lo, hi
    real(4) :: xs(n), s
    integer :: rank, size, mine, status, i

    call MPI_Init()
    call MPI_Comm_rank(MPI_COMM_WORLD, rank)
    call MPI_Comm_size(MPI_COMM_WORLD, size)
    do i = 1, n
        x(i) = scale(real(mod(int(i - 1, 8) * 7919, 2001_8) - 1000, 8), mod(i - 1, 61) - 30)
        y(i) = scale(real(mod(int(i - 1, 8) * 104729, 1999_8) - 999, 8), 15 - mod(i - 1, 37))
        xs(i) = real(mod(i, 7) - 3, 4)
    end do
    mine = (n - rank + size - 1) / size
    status = pdot_mpi_dot(MPI_COMM_WORLD, mine, x(rank + 1:), size, y(rank + 1:), size, &
        PDOT_EXACT, d)
    if (status /= PDOT_SUCCESS) error stop "pdot_mpi_dot failed"
    call MPI_Allreduce(d, lo, 1, MPI_DOUBLE_PRECISION, MPI_MIN, MPI_COMM_WORLD)
    call MPI_Allreduce(d, hi, 1, MPI_DOUBLE_PRECISION, MPI_MAX, MPI_COMM_WORLD)
    if (transfer(lo, 0_8) /= transfer(d, 0_8) .or. transfer(hi, 0_8) /= transfer(d, 0_8)) &
        error stop "ranks differ"
    if (rank == 0) write (*, '(a, z16.16)') "fortran-ddot ", transfer(d, 0_8)
    ! real(4) through the same generic name: sum of squares of -3..3 over the vector.
    status = pdot_mpi_dot(MPI_COMM_WORLD, mine, xs(rank + 1:), size, xs(rank + 1:), size, &
        PDOT_EXACT, s)
    if (status /= PDOT_SUCCESS .or. s /= real(sum(xs * xs), 4)) error stop "real(4) dot"
    ! An unknown accuracy on the last rank only: the same status on every rank.
    i = PDOT_EXACT
    if (rank == size - 1) i = 42
    status = pdot_mpi_dot(MPI_COMM_WORLD, mine, x(rank + 1:), size, y(rank + 1:), size, i, d)
    if (size == 1 .and. status /= PDOT_ERR_ACCURACY) error stop "bad accuracy not reported"
    if (size > 1 .and. status /= PDOT_ERR_DISAGREE .and. status /= PDOT_ERR_ACCURACY) &
        error stop "bad accuracy on one rank not reported"
    call MPI_Allreduce(status, mine, 1, MPI_INTEGER, MPI_MAX, MPI_COMM_WORLD)
    if (mine /= status) error stop "statuses differ between ranks"
    if (rank == 0) write (*, '(a, i0, 2a)') "fortran-bad-accuracy ", status, " ", &
        pdot_error_message()
    call MPI_Finalize()
end program dot
