# Sourced by the MPI scripts: which MPI library a build and a launch use.
#
#   mpi_plain            the library plain `mpicc` names: mpich or openmpi
#   mpi_target LIB       the cargo target dir of builds against LIB: `target` for the library
#                        plain `mpicc` names (what a plain `cargo build` links), target-LIB
#                        for the other one (mpi-sys does not notice a change of MPI)
#   mpi_cargo LIB ARGS   cargo ARGS built against LIB
#   mpi_launcher LIB     the launch command for LIB, with Open MPI's flags: --oversubscribe
#                        (more ranks than cores) and, as root, --allow-run-as-root

mpi_plain() {
    case $(mpicc -show 2>/dev/null) in
        *openmpi*) echo openmpi ;;
        *) echo mpich ;;
    esac
}

mpi_target() {
    if [[ $1 == "$(mpi_plain)" ]]; then echo "${CARGO_TARGET_DIR:-target}"; else echo "target-$1"; fi
}

mpi_cargo() {
    local lib=$1
    shift
    MPICC=mpicc.$lib CARGO_TARGET_DIR=$(mpi_target "$lib") cargo "$@"
}

mpi_launcher() {
    case $1 in
        mpich) echo "mpiexec.mpich" ;;
        openmpi)
            if [[ $(id -u) -eq 0 ]]; then
                echo "mpiexec.openmpi --oversubscribe --allow-run-as-root"
            else
                echo "mpiexec.openmpi --oversubscribe"
            fi ;;
    esac
}
