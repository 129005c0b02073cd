"""``minigrad.distributed``: data-parallel training over processes and machines, with the names of
``torch.distributed``. Launch with ``mpiexec -n N python script.py`` (``pip install minigrad[distributed]`` brings
mpi4py and an MPI with its ``mpiexec``) or ``srun`` under Slurm, and the job runs on MPI; or with ``python -m
minigrad.distributed.run --nproc-per-node N script.py`` (as torchrun) or ``mp.spawn``, and the ranks meet over
TCP, with nothing to install."""
from .group import (init_process_group, destroy_process_group, is_available, is_initialized,  # noqa: F401
                    is_mpi_available, get_rank, get_world_size, get_backend, barrier, GroupMember, new_group,
                    default_group)
from .collectives import (ReduceOp, broadcast, all_reduce, reduce, all_gather, gather,  # noqa: F401
                          all_gather_object, broadcast_object_list, Work, scatter, reduce_scatter, all_to_all,
                          all_gather_into_tensor, reduce_scatter_tensor)
from .point_to_point import send, recv, isend, irecv, P2POp, batch_isend_irecv  # noqa: F401
