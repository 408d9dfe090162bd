"""Small projects below the limit (限额以下工程): the registry of village and township projects with their checkpoints, and the alerts over them."""
