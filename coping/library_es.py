"""The Spanish version of the starter strategy library: English title -> (título, cómo hacerlo).

A plain constant beside `coping.library.STRATEGY_LIBRARY`, so migrations can import it. Written
to docs/glossary-es.md: usted, short sentences, everyday words, person-first (the reading-level
test measures them with Fernández-Huerta). It is the clinic's content, not a catalog entry: a
clinic rewords it on its library page like the English.
"""

STRATEGY_LIBRARY_ES: dict[str, tuple[str, str]] = {
    # stress_management
    "Box breathing": (
        "Respirar en cuatro tiempos",
        "Tome aire mientras cuenta hasta 4. Aguante el aire hasta 4. Suéltelo hasta 4. Espere "
        "hasta 4. Hágalo cuatro veces, o hasta que sus hombros bajen un poco.",
    ),
    "5-4-3-2-1 grounding": (
        "Volver al aquí y ahora: 5-4-3-2-1",
        "Nombre 5 cosas que ve, 4 que oye, 3 que puede tocar, 2 que huele y 1 que saborea. "
        "Así su mente vuelve al lugar donde está.",
    ),
    "Progressive muscle relaxation": (
        "Soltar los músculos paso a paso",
        "Empiece por los pies. Apriete cada grupo de músculos cinco segundos. Luego suelte y "
        "descanse diez. Suba poco a poco hasta la cara.",
    ),
    "Ten minutes on paper": (
        "Diez minutos en papel",
        "Ponga un reloj de diez minutos. Escriba todo lo que tiene en la mente. No corrija nada. "
        "Cierre el cuaderno cuando suene el reloj.",
    ),
    "Worry time": (
        "Un rato para las preocupaciones",
        "Elija 15 minutos al día para preocuparse. Si una preocupación llega a otra hora, "
        "anótela y déjela para ese rato.",
    ),
    "Cold water reset": (
        "Agua fría para calmarse",
        "Échese agua fría en la cara o sostenga algo frío por 30 segundos. El corazón puede "
        "calmarse en uno o dos minutos.",
    ),
    # trigger_management
    "Urge surfing": (
        "Dejar pasar la ola",
        "Vea las ganas de consumir como una ola: sube, llega arriba y baja. Suele pasar en 20 "
        "a 30 minutos. Respire y mírela sin hacer nada.",
    ),
    "Play the tape forward": (
        "Pensar en lo que viene después",
        "Cuando lleguen las ganas, piense en toda la historia, no solo en el primer momento. "
        "¿Cómo se sentiría esta noche, mañana y la semana que viene?",
    ),
    "Wait 15 minutes": (
        "Esperar 15 minutos",
        "Dígase que va a esperar 15 minutos antes de decidir nada. Mientras, haga algo que "
        "ocupe sus manos o su mente.",
    ),
    "Plan a way out": (
        "Planear cómo salir",
        "Antes de ir a un lugar difícil, decida cómo se va a ir, a quién le puede escribir y "
        "qué va a decir si le ofrecen algo.",
    ),
    "Check HALT": (
        "Revisar: hambre, enojo, soledad, cansancio",
        "Cuando lleguen las ganas, pregúntese: ¿tengo hambre? ¿Estoy enojado o enojada? ¿Me "
        "siento solo o sola? ¿Estoy cansado o cansada? Atienda eso primero.",
    ),
    "Change the route": (
        "Cambiar de camino",
        "Si un lugar, una calle o una tienda le trae ganas de consumir, vaya por otro lado por "
        "ahora. Evitar un detonante es una habilidad, no una debilidad.",
    ),
    # routine
    "Same wake-up time": (
        "Levantarse a la misma hora",
        "Levántese a la misma hora todos los días, también el fin de semana. Un buen comienzo "
        "hace más fácil el resto del día.",
    ),
    "Plan tomorrow tonight": (
        "Planear mañana desde esta noche",
        "Antes de dormir, escriba tres cosas que hará mañana y a qué hora. Las horas sin plan "
        "suelen ser las más difíciles.",
    ),
    "Regular meals": (
        "Comer a sus horas",
        "Coma algo en el desayuno, el almuerzo y la cena, aunque sea poco. El hambre se puede "
        "sentir como ganas de consumir.",
    ),
    "Wind-down hour": (
        "Una hora para calmarse",
        "En la hora antes de dormir, baje las luces y guarde el teléfono. Haga algo tranquilo: "
        "una ducha, un libro, estirarse.",
    ),
    "Daily check-in": (
        "Registro diario",
        "Tome dos minutos a la misma hora cada día. Anote su ánimo, sus ganas de consumir y su "
        "estrés. En unas semanas verá mejor sus patrones.",
    ),
    "Weekly reset": (
        "Empezar la semana en orden",
        "Una vez a la semana, ordene su espacio, mire la semana que viene y planee algo que le "
        "haga ilusión.",
    ),
    # physical_activity
    "Ten-minute walk": (
        "Caminar diez minutos",
        "Camine afuera diez minutos, a su paso. Moverse y la luz del día suben el ánimo. "
        "También pueden bajar las ganas de consumir.",
    ),
    "Morning stretch": (
        "Estirarse en la mañana",
        "Estírese cinco minutos antes de empezar el día: cuello, hombros, espalda y piernas.",
    ),
    "Move to music": (
        "Moverse con música",
        "Ponga dos o tres canciones que le gusten y muévase: baile, limpie, camine por el "
        "cuarto. Todo cuenta.",
    ),
    "Join a class or group": (
        "Unirse a una clase o grupo",
        "Un grupo de yoga, natación o caminata le da movimiento y compañía. Muchos centros de "
        "la comunidad tienen clases gratis o baratas.",
    ),
    "Active chores": (
        "Tareas que le mueven",
        "Cuidar plantas, limpiar o arreglar algo mantiene el cuerpo ocupado. Y al final ve algo "
        "hecho.",
    ),
    "Build up slowly": (
        "Ir de a poco",
        "Empiece con lo que pueda hacer y sume unos minutos cada semana. Si tiene problemas de "
        "salud, hable antes con su médico.",
    ),
    # healthy_relationships
    "Reach out early": (
        "Pedir apoyo pronto",
        "Escriba o llame a alguien que le apoya apenas note un día difícil. No espere a que "
        "las cosas estén peor.",
    ),
    "Go to a mutual-support meeting": (
        "Ir a una reunión de ayuda mutua",
        "Grupos como AA, NA, SMART Recovery o Recovery Dharma le unen con personas que le "
        "entienden. Muchos también se reúnen en línea.",
    ),
    "Practise saying no": (
        "Practicar cómo decir que no",
        "Tenga lista una respuesta corta y amable para cuando le ofrezcan algo, como «No, "
        "gracias, estoy bien». Dígala en voz alta unas veces para que le salga fácil.",
    ),
    "Set a boundary": (
        "Poner un límite",
        "Está bien pasar menos tiempo con personas que consumen cerca de usted o le hacen la "
        "recuperación más difícil. Puede explicar por qué, o solo alejarse un poco.",
    ),
    "Regular time with people who help": (
        "Tiempo fijo con quien le ayuda",
        "Ponga en su calendario un café, una caminata o una llamada con alguien que le apoya, "
        "cada semana.",
    ),
    "Ask for specific help": (
        "Pedir ayuda concreta",
        "La gente quiere ayudar, pero no sabe cómo. Pida algo concreto: que le lleven a una "
        "reunión, una llamada a las 8 de la noche, compañía en un día difícil.",
    ),
    # skill_development
    "Name the feeling": (
        "Ponerle nombre a lo que siente",
        "Cuando algo no va bien, nombre la emoción con una palabra: enojo, vergüenza, "
        "aburrimiento, miedo, tristeza. Es más fácil manejar lo que tiene nombre.",
    ),
    "Question the thought": (
        "Poner en duda el pensamiento",
        "Si piensa «solo una vez no pasa nada», escríbalo. Pregúntese: ¿qué pruebas tengo? ¿Qué "
        "le diría a una amistad que piensa eso?",
    ),
    "Solve one problem at a time": (
        "Un problema a la vez",
        "Escriba el problema. Anote todas las salidas que se le ocurran. Elija una para "
        "probar. Decida cuándo va a ver cómo le fue.",
    ),
    "Learn something new": (
        "Aprender algo nuevo",
        "Elija algo que le guste, como cocinar, tocar música o un idioma. Dele un poco de "
        "tiempo cada semana. Llena las horas y le da confianza.",
    ),
    "Three good things": (
        "Tres cosas buenas",
        "Cada noche, escriba tres cosas que salieron bien hoy, aunque sean pequeñas.",
    ),
    "Learn from a setback": (
        "Aprender de un tropiezo",
        "Si tiene un tropiezo, mírelo con curiosidad y sin culpa. ¿Qué pasó antes? ¿Qué le "
        "ayudó? ¿Qué probaría la próxima vez? Hable de esto con su equipo de atención.",
    ),
    # professional_guidance
    "Keep your appointments": (
        "Ir a sus citas",
        "Anote sus citas de consejería y de salud en el calendario, con un recordatorio. Si no "
        "puede ir, llame para cambiar la cita en vez de faltar.",
    ),
    "Contact your care team between sessions": (
        "Llamar a su equipo entre citas",
        "Si las cosas están más difíciles que de costumbre, llame a su clínica. No tiene que "
        "esperar a la próxima cita.",
    ),
    "Take medication as agreed": (
        "Tomar la medicina como se acordó",
        "Si toma medicina para su recuperación o su salud mental, tómela como se la recetaron. "
        "Hable con quien se la receta antes de cambiar algo.",
    ),
    "Bring your plan to sessions": (
        "Llevar su plan a las citas",
        "Lleve este plan para afrontar a sus citas. Cámbielo con su profesional a medida que "
        "vea lo que le sirve.",
    ),
    "Save the crisis numbers": (
        "Guardar los números de crisis",
        "Guarde hoy en su teléfono el 988 (llamada o texto; para español, oprima 2), el número "
        "de emergencias de su zona y el número de su clínica.",
    ),
    "Ask about extra support": (
        "Preguntar por más apoyo",
        "Pregunte a su equipo de atención por grupos, compañeros en recuperación, sesiones con "
        "la familia u otros servicios que le puedan ayudar ahora.",
    ),
}
