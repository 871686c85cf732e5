//! Pacemaker's special device parameters (pcmk_host_map, pcmk_host_list,
//! pcmk_host_check, pcmk_delay_*, pcmk_*_timeout...). (Being written.)
