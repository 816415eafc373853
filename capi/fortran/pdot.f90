! pdot from Fortran: generic interfaces over libpdot for real(8) and real(4).
!
!   use pdot
!   status = pdot_dot(n, x, incx, y, incy, PDOT_EXACT, d)              ! one core
!   status = pdot_mpi_dot(comm, n_local, x, incx, y, incy, PDOT_EXACT, d)  ! type(MPI_Comm)
!
! Every function returns an integer status: PDOT_SUCCESS (0) or an error, whose message
! pdot_error_message() gives. Increments follow BLAS (negative ones read backwards from the
! far end; pass the array itself). The distributed functions are collective over comm and
! give the same result bits and the same status on every rank; the communicator is
! converted with MPI_Comm_f2c semantics (its MPI_VAL) and never freed by pdot.
!
! Compile this file with the application (mpif90 -c pdot.f90), link with -lpdot.
module pdot
    use, intrinsic :: iso_c_binding, only: c_int, c_int64_t, c_double, c_float, c_ptr, &
        c_char, c_f_pointer, c_size_t
    use mpi_f08, only: MPI_Comm
    implicit none
    private

    integer, parameter, public :: PDOT_FAST = 0, PDOT_COMPENSATED = 1, PDOT_EXACT = 2
    integer, parameter, public :: PDOT_SUCCESS = 0, PDOT_ERR_NULL_POINTER = 1, &
        PDOT_ERR_LENGTH = 2, PDOT_ERR_ACCURACY = 3, PDOT_ERR_DISAGREE = 4, &
        PDOT_ERR_CORRUPT = 5, PDOT_ERR_COMM = 6, PDOT_ERR_MPI_STATE = 7, &
        PDOT_ERR_REQUEST = 8, PDOT_ERR_INTERNAL = 9

    public :: pdot_dot, pdot_nrm2, pdot_mpi_dot, pdot_mpi_nrm2, pdot_error_message

    !> x . y of n elements on one core (BLAS ddot/sdot with an accuracy).
    interface pdot_dot
        module procedure pdot_dot_r8, pdot_dot_r4
    end interface
    !> ||x||_2 of n elements on one core.
    interface pdot_nrm2
        module procedure pdot_nrm2_r8, pdot_nrm2_r4
    end interface
    !> x . y where each rank of comm holds n elements of x and y (its local share).
    interface pdot_mpi_dot
        module procedure pdot_mpi_dot_r8, pdot_mpi_dot_r4
    end interface
    !> ||x||_2 where each rank of comm holds n elements of x.
    interface pdot_mpi_nrm2
        module procedure pdot_mpi_nrm2_r8, pdot_mpi_nrm2_r4
    end interface

    interface
        integer(c_int) function c_ddot(n, x, incx, y, incy, accuracy, res) bind(C, name="pdot_ddot")
            import :: c_int, c_int64_t, c_double
            integer(c_int64_t), value :: n, incx, incy
            real(c_double), intent(in) :: x(*), y(*)
            integer(c_int), value :: accuracy
            real(c_double), intent(inout) :: res
        end function
        integer(c_int) function c_sdot(n, x, incx, y, incy, accuracy, res) bind(C, name="pdot_sdot")
            import :: c_int, c_int64_t, c_float
            integer(c_int64_t), value :: n, incx, incy
            real(c_float), intent(in) :: x(*), y(*)
            integer(c_int), value :: accuracy
            real(c_float), intent(inout) :: res
        end function
        integer(c_int) function c_dnrm2(n, x, incx, accuracy, res) bind(C, name="pdot_dnrm2")
            import :: c_int, c_int64_t, c_double
            integer(c_int64_t), value :: n, incx
            real(c_double), intent(in) :: x(*)
            integer(c_int), value :: accuracy
            real(c_double), intent(inout) :: res
        end function
        integer(c_int) function c_snrm2(n, x, incx, accuracy, res) bind(C, name="pdot_snrm2")
            import :: c_int, c_int64_t, c_float
            integer(c_int64_t), value :: n, incx
            real(c_float), intent(in) :: x(*)
            integer(c_int), value :: accuracy
            real(c_float), intent(inout) :: res
        end function
        integer(c_int) function c_mpi_ddot(comm, n, x, incx, y, incy, accuracy, res) &
                bind(C, name="pdot_mpi_ddot_f")
            import :: c_int, c_int64_t, c_double
            integer(c_int), value :: comm
            integer(c_int64_t), value :: n, incx, incy
            real(c_double), intent(in) :: x(*), y(*)
            integer(c_int), value :: accuracy
            real(c_double), intent(inout) :: res
        end function
        integer(c_int) function c_mpi_sdot(comm, n, x, incx, y, incy, accuracy, res) &
                bind(C, name="pdot_mpi_sdot_f")
            import :: c_int, c_int64_t, c_float
            integer(c_int), value :: comm
            integer(c_int64_t), value :: n, incx, incy
            real(c_float), intent(in) :: x(*), y(*)
            integer(c_int), value :: accuracy
            real(c_float), intent(inout) :: res
        end function
        integer(c_int) function c_mpi_dnrm2(comm, n, x, incx, accuracy, res) &
                bind(C, name="pdot_mpi_dnrm2_f")
            import :: c_int, c_int64_t, c_double
            integer(c_int), value :: comm
            integer(c_int64_t), value :: n, incx
            real(c_double), intent(in) :: x(*)
            integer(c_int), value :: accuracy
            real(c_double), intent(inout) :: res
        end function
        integer(c_int) function c_mpi_snrm2(comm, n, x, incx, accuracy, res) &
                bind(C, name="pdot_mpi_snrm2_f")
            import :: c_int, c_int64_t, c_float
            integer(c_int), value :: comm
            integer(c_int64_t), value :: n, incx
            real(c_float), intent(in) :: x(*)
            integer(c_int), value :: accuracy
            real(c_float), intent(inout) :: res
        end function
        type(c_ptr) function c_last_error() bind(C, name="pdot_last_error")
            import :: c_ptr
        end function
        integer(c_size_t) function c_strlen(s) bind(C, name="strlen")
            import :: c_ptr, c_size_t
            type(c_ptr), value :: s
        end function
    end interface

contains

    integer function pdot_dot_r8(n, x, incx, y, incy, accuracy, res) result(status)
        integer, intent(in) :: n, incx, incy, accuracy
        real(8), intent(in) :: x(*), y(*)
        real(8), intent(inout) :: res
        status = c_ddot(int(n, c_int64_t), x, int(incx, c_int64_t), y, int(incy, c_int64_t), &
            int(accuracy, c_int), res)
    end function

    integer function pdot_dot_r4(n, x, incx, y, incy, accuracy, res) result(status)
        integer, intent(in) :: n, incx, incy, accuracy
        real(4), intent(in) :: x(*), y(*)
        real(4), intent(inout) :: res
        status = c_sdot(int(n, c_int64_t), x, int(incx, c_int64_t), y, int(incy, c_int64_t), &
            int(accuracy, c_int), res)
    end function

    integer function pdot_nrm2_r8(n, x, incx, accuracy, res) result(status)
        integer, intent(in) :: n, incx, accuracy
        real(8), intent(in) :: x(*)
        real(8), intent(inout) :: res
        status = c_dnrm2(int(n, c_int64_t), x, int(incx, c_int64_t), int(accuracy, c_int), res)
    end function

    integer function pdot_nrm2_r4(n, x, incx, accuracy, res) result(status)
        integer, intent(in) :: n, incx, accuracy
        real(4), intent(in) :: x(*)
        real(4), intent(inout) :: res
        status = c_snrm2(int(n, c_int64_t), x, int(incx, c_int64_t), int(accuracy, c_int), res)
    end function

    integer function pdot_mpi_dot_r8(comm, n, x, incx, y, incy, accuracy, res) result(status)
        type(MPI_Comm), intent(in) :: comm
        integer, intent(in) :: n, incx, incy, accuracy
        real(8), intent(in) :: x(*), y(*)
        real(8), intent(inout) :: res
        status = c_mpi_ddot(int(comm%MPI_VAL, c_int), int(n, c_int64_t), x, &
            int(incx, c_int64_t), y, int(incy, c_int64_t), int(accuracy, c_int), res)
    end function

    integer function pdot_mpi_dot_r4(comm, n, x, incx, y, incy, accuracy, res) result(status)
        type(MPI_Comm), intent(in) :: comm
        integer, intent(in) :: n, incx, incy, accuracy
        real(4), intent(in) :: x(*), y(*)
        real(4), intent(inout) :: res
        status = c_mpi_sdot(int(comm%MPI_VAL, c_int), int(n, c_int64_t), x, &
            int(incx, c_int64_t), y, int(incy, c_int64_t), int(accuracy, c_int), res)
    end function

    integer function pdot_mpi_nrm2_r8(comm, n, x, incx, accuracy, res) result(status)
        type(MPI_Comm), intent(in) :: comm
        integer, intent(in) :: n, incx, accuracy
        real(8), intent(in) :: x(*)
        real(8), intent(inout) :: res
        status = c_mpi_dnrm2(int(comm%MPI_VAL, c_int), int(n, c_int64_t), x, &
            int(incx, c_int64_t), int(accuracy, c_int), res)
    end function

    integer function pdot_mpi_nrm2_r4(comm, n, x, incx, accuracy, res) result(status)
        type(MPI_Comm), intent(in) :: comm
        integer, intent(in) :: n, incx, accuracy
        real(4), intent(in) :: x(*)
        real(4), intent(inout) :: res
        status = c_mpi_snrm2(int(comm%MPI_VAL, c_int), int(n, c_int64_t), x, &
            int(incx, c_int64_t), int(accuracy, c_int), res)
    end function

    !> The message of the last pdot error on this thread (empty if none).
    function pdot_error_message() result(message)
        character(len=:), allocatable :: message
        type(c_ptr) :: p
        character(kind=c_char), pointer :: chars(:)
        integer :: i, length
        p = c_last_error()
        length = int(c_strlen(p))
        call c_f_pointer(p, chars, [length])
        allocate(character(len=length) :: message)
        do i = 1, length
            message(i:i) = chars(i)
        end do
    end function

end module pdot
