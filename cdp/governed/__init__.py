"""The governed read, write and search paths: policy, (consent), store, masks, (audit) composed."""
