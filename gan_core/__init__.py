"""GAN OOD Lab core: the course notebook's DCGAN, its data, and the maths that shows why a discriminator
scores inputs it never saw arbitrarily."""

__version__ = "0.1.0"

import os as _os

# Belt and braces behind gan_core.preprocess's header check: OpenCV reads this limit only when cv2 is first
# imported, so it is set here, before any gan_core module imports cv2. Equal to preprocess.MAX_PIXELS.
_os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", "25000000")
