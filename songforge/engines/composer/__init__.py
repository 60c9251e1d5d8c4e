"""The composer: the built-in offline engine (lyrics, arrangement, FluidSynth band, flite/PSOLA singer, master)."""
