"""GAN OOD Lab core: the course notebook's DCGAN, its data, and the maths that shows why a discriminator
scores inputs it never saw arbitrarily."""
__version__ = "0.1.0"
