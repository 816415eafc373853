# Sourced by the MPI scripts: which MPI library a build and a launch use.
#
#   mpi_plain            the library plain `mpicc` names: mpich or openmpi
#   mpi_target LIB       the cargo target dir of builds against LIB: `target` for the library
#                        plain `mpicc` names (what a plain `cargo build` links), target-LIB
#                        for the other one (mpi-sys does not notice a change of MPI)
#   mpi_cargo LIB ARGS   cargo ARGS built against LIB
#   mpi_out LIB          where the test scripts' builds against LIB land: the target dir's
#                        folder of the `ci` profile (Cargo.toml), which they build with
#                        `mpi_cargo LIB build --profile ci ...`
#   mpi_launcher LIB     the launch command for LIB, with Open MPI's flags: --oversubscribe
#                        (more ranks than cores) and, as root, --allow-run-as-root.
#                        With PDOT_MPI_NET=tcp, every message between ranks goes over TCP,
#                        as between nodes, even on one machine: Open MPI with the ob1
#                        messaging layer and only its tcp and self transports; MPICH (Debian's
#                        is built with the ch4:ucx device) told that no rank is local
#                        (MPIR_CVAR_NOLOCAL, no shared memory) and UCX restricted to tcp
#                        (libfabric builds: FI_PROVIDER=tcp).

mpi_plain() {
    case $(mpicc -show 2>/dev/null) in
        *openmpi*) echo openmpi ;;
        *) echo mpich ;;
    esac
}

mpi_target() {
    if [[ $1 == "$(mpi_plain)" ]]; then echo "${CARGO_TARGET_DIR:-target}"; else echo "target-$1"; fi
}

mpi_out() {
    echo "$(mpi_target "$1")/ci"
}

mpi_cargo() {
    local lib=$1
    shift
    MPICC=mpicc.$lib CARGO_TARGET_DIR=$(mpi_target "$lib") cargo "$@"
}

mpi_launcher() {
    local tcp=
    [[ ${PDOT_MPI_NET:-} == tcp ]] && tcp=1
    case $1 in
        mpich)
            if [[ -n $tcp ]]; then
                echo "env MPIR_CVAR_NOLOCAL=1 UCX_TLS=tcp FI_PROVIDER=tcp mpiexec.mpich"
            else
                echo "mpiexec.mpich"
            fi ;;
        openmpi)
            local flags="--oversubscribe"
            [[ $(id -u) -eq 0 ]] && flags+=" --allow-run-as-root"
            [[ -n $tcp ]] && flags+=" --mca pml ob1 --mca btl tcp,self"
            echo "mpiexec.openmpi $flags" ;;
    esac
}
